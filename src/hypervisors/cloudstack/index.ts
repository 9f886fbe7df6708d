/**
 * The CloudStack driver: signed API requests, VMs deployed from vizor's iPXE boot ISO, and
 * the builder of that ISO.
 */
import { CloudStackDriver } from './driver.js';
import type { CloudStackDriverOptions } from './core.js';

export { CloudStackDriver } from './driver.js';
export type { CloudStackDriverOptions } from './core.js';
export type { BootIsoSettings } from './isos.js';
export { signRequest, signedParams, canonicalRequest, javaUrlEncode, formatExpires, type CsParams, type SignOptions } from './sign.js';
export { buildIpxeIso, ipxeBootScript, IPXE_CHAIN_QUERY, IPXE_ISO_INPUTS, type IpxeIso, type IpxeIsoOptions } from './ipxe-iso.js';

/** Creates a CloudStack driver; options are checked at once (HvConfigError). */
export function createCloudStackDriver(opts: CloudStackDriverOptions): CloudStackDriver {
  return new CloudStackDriver(opts);
}
