export { TemplateError, TemplateRenderer, defaultTemplatesDir } from './renderer.js';
export type { TemplateRendererOptions } from './renderer.js';
export {
  AnswerFileError,
  WINDOWS_VERSIONS,
  UNATTEND_PASSES,
  UNATTEND_COMPONENTS,
  renderAutounattend,
  renderUnattend,
  renderInstallCmd,
  renderWinpeshl,
  encodeUnattendPassword,
  decodeUnattendPassword,
  checkAnswerFile,
  parseAnswerFile,
  versionInfo,
} from './windows/index.js';
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
  PasswordKind,
} from './windows/index.js';
