/**
 * The XenServer / XCP-ng driver: XAPI over JSON-RPC through the `xen-api` npm client.
 * Ids are XAPI uuids; vizor's tag lives in VM other_config (vizor.role, vizor.owner).
 */
import { XenServerDriver, type XenServerOptions } from './driver.js';

export { XenServerDriver, type XenServerOptions } from './driver.js';
export { XAPI_ERROR_CLASSES, mapXapiError } from './errors.js';

/** Creates a XenServer driver (options are checked now; the first call logs in). */
export function createXenServerDriver(opts: XenServerOptions): XenServerDriver {
  return new XenServerDriver(opts);
}
