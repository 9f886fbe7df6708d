/** The local QEMU hypervisor driver. */
import { QemuDriver } from './driver.js';
import { resolveOptions, type QemuDriverOptions } from './options.js';

export { QemuDriver } from './driver.js';
export { buildQemuArgv, type ArgvContext } from './argv.js';
export { ISOLATED_NETWORK, type QemuAccel, type QemuDriverOptions, type QemuMachine } from './options.js';
export type { DiskBus, NicModel, VmRecord } from './record.js';

/** Creates a QEMU driver; HvConfigError lists every bad option. */
export function createQemuDriver(opts: QemuDriverOptions): QemuDriver {
  return new QemuDriver(resolveOptions(opts));
}
