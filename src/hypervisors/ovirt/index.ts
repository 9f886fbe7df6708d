/**
 * oVirt / RHV driver (REST API v4 with SSO bearer tokens and XML bodies).
 */
import { OvirtDriver, type OvirtDriverOptions } from './driver.js';

export { OvirtDriver, type OvirtDriverOptions } from './driver.js';
export { OvirtClient, type OvirtClientOptions } from './client.js';

/** Creates an oVirt driver; nothing is sent until the first call. */
export function createOvirtDriver(options: OvirtDriverOptions): OvirtDriver {
  return new OvirtDriver(options);
}
