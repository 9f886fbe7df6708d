export { bootRouter, type BootRouterOptions } from './http/router.js';
export { parseIpxeQuery, planScript, scriptUrlFor, type IpxeQuery, type DefaultTask, type ScriptPlan, type LinuxTreeLookup } from './http/script.js';
export {
  answerContext, answerFileName, asLinuxInstall, authoriseAnswer, checkAnswerValues, checkKernelArgs, isAnswerToken, linuxFamilyOf,
  makeLinuxInstallTask, newAnswerToken, planLinuxBoot, type LinuxFamily, type LinuxInstallTask, type LinuxTreePaths,
} from './http/answers.js';
export { ensureBootFiles, BOOT_BINARIES, DEBIAN_IPXE_DIR } from './files.js';
export { PeerDirectory } from './peers.js';
export {
  makeWindowsInstallTask, asWindowsInstall, windowsShareNames, accountShareNames, planWindowsBoot, windowsInstallValues, defaultComputerName,
  WINPE_FILES, INJECTED_FILES, type WindowsInstallTask, type WimbootFile, type WindowsBootPlan,
} from './http/windows.js';
export { authoriseTask } from './http/answers.js';
export type { WindowsBootFacts } from './http/script.js';
