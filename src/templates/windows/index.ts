export { AnswerFileError } from './errors.js';
export { WINDOWS_VERSIONS } from './types.js';
export type {
  WindowsVersion,
  WindowsArch,
  WindowsFirmware,
  WindowsInstallValues,
  WindowsSetupValues,
  LocalAccount,
  LocaleSettings,
  ImageSelector,
  InstallCmdValues,
} from './types.js';
export { encodeUnattendPassword, decodeUnattendPassword } from './password.js';
export type { PasswordKind } from './password.js';
export { UNATTEND_PASSES, UNATTEND_COMPONENTS, checkAnswerFile, parseAnswerFile } from './check.js';
export { renderAutounattend, renderUnattend, renderInstallCmd, renderWinpeshl } from './render.js';
