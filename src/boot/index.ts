export { bootRouter, type BootRouterOptions } from './http/router.js';
export { parseIpxeQuery, planScript, scriptUrlFor, type IpxeQuery, type DefaultTask, type ScriptPlan } from './http/script.js';
export { ensureBootFiles, BOOT_BINARIES, DEBIAN_IPXE_DIR } from './files.js';
export { PeerDirectory } from './peers.js';
