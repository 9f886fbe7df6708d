/**
 * Options of the local QEMU driver, their defaults, and the checks that reject impossible
 * ones before anything runs.
 */
import { isAbsolute } from 'node:path';
import type { Logger } from '../../log/index.js';
import { HvConfigError } from '../errors.js';

/** Which accelerator QEMU uses: `auto` takes KVM when /dev/kvm is usable, TCG otherwise. */
export type QemuAccel = 'kvm' | 'tcg' | 'auto';

/** QEMU machine type: q35 (PCIe, AHCI; floppy through an added isa-fdc) or pc (i440fx, IDE). */
export type QemuMachine = 'q35' | 'pc';

/** How the local QEMU driver is set up. */
export interface QemuDriverOptions {
  /** One folder per VM and template lives here (`<stateDir>/<id>/vm.json`). */
  readonly stateDir: string;
  /**
   * Linux bridge every NIC joins through a tap. When absent, NICs get QEMU's user-mode
   * network with `restrict=on`: a MAC and a link, but no traffic leaves the VM (for tests
   * that need no network and no root).
   */
  readonly bridge?: string;
  /** Network namespace the bridge, the taps and QEMU live in (`ip netns exec`). */
  readonly netns?: string;
  /** Default `auto`. Nested KVM can pass /dev/kvm checks yet break firmware: force `tcg` there. */
  readonly accel?: QemuAccel;
  /** Default `q35`. */
  readonly machine?: QemuMachine;
  /** OVMF code flash for UEFI VMs (default /usr/share/OVMF/OVMF_CODE_4M.fd, Debian package ovmf). */
  readonly ovmfCode?: string;
  /** Empty OVMF variable store copied for each UEFI VM (default /usr/share/OVMF/OVMF_VARS_4M.fd). */
  readonly ovmfVars?: string;
  /** Default /usr/bin/qemu-system-x86_64. */
  readonly qemuBinary?: string;
  /** Default /usr/bin/qemu-img. */
  readonly qemuImgBinary?: string;
  /** Default `ip` from PATH (iproute2). */
  readonly ipBinary?: string;
  /** Folder of ISO files offered as `iso` resources and searched for the virtio-win tools ISO. */
  readonly isoDir?: string;
  readonly logger?: Logger;
}

/** Options with every default filled in. */
export interface ResolvedQemuOptions {
  readonly stateDir: string;
  readonly bridge: string | null;
  readonly netns: string | null;
  readonly accel: QemuAccel;
  readonly machine: QemuMachine;
  readonly ovmfCode: string;
  readonly ovmfVars: string;
  readonly qemuBinary: string;
  readonly qemuImgBinary: string;
  readonly ipBinary: string;
  readonly isoDir: string | null;
  readonly logger: Logger | null;
}

/** Network name NICs report when the driver has no bridge. */
export const ISOLATED_NETWORK = 'isolated';

const IFNAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;

/** Fills in defaults and throws HvConfigError naming every bad option. */
export function resolveOptions(o: QemuDriverOptions): ResolvedQemuOptions {
  const problems: string[] = [];
  const path = (key: string, v: string | undefined): void => {
    if (v !== undefined && !isAbsolute(v)) problems.push(`${key} must be an absolute path (got ${JSON.stringify(v)})`);
  };
  if (!o.stateDir) problems.push('stateDir is required');
  path('stateDir', o.stateDir);
  path('ovmfCode', o.ovmfCode);
  path('ovmfVars', o.ovmfVars);
  path('qemuBinary', o.qemuBinary);
  path('qemuImgBinary', o.qemuImgBinary);
  path('isoDir', o.isoDir);
  if (o.bridge !== undefined && !IFNAME.test(o.bridge)) problems.push(`bridge ${JSON.stringify(o.bridge)} is not a Linux interface name`);
  if (o.bridge === ISOLATED_NETWORK) problems.push(`bridge cannot be named ${ISOLATED_NETWORK}`);
  if (o.netns !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(o.netns)) problems.push(`netns ${JSON.stringify(o.netns)} is not a namespace name`);
  if (o.netns !== undefined && o.bridge === undefined) problems.push('netns needs a bridge');
  if (o.accel !== undefined && !['kvm', 'tcg', 'auto'].includes(o.accel)) problems.push(`accel must be kvm, tcg or auto (got ${JSON.stringify(o.accel)})`);
  if (o.machine !== undefined && !['q35', 'pc'].includes(o.machine)) problems.push(`machine must be q35 or pc (got ${JSON.stringify(o.machine)})`);
  if (problems.length) throw new HvConfigError(`qemu driver: ${problems.join('; ')}`, { platform: 'qemu' });
  return {
    stateDir: o.stateDir,
    bridge: o.bridge ?? null,
    netns: o.netns ?? null,
    accel: o.accel ?? 'auto',
    machine: o.machine ?? 'q35',
    ovmfCode: o.ovmfCode ?? '/usr/share/OVMF/OVMF_CODE_4M.fd',
    ovmfVars: o.ovmfVars ?? '/usr/share/OVMF/OVMF_VARS_4M.fd',
    qemuBinary: o.qemuBinary ?? '/usr/bin/qemu-system-x86_64',
    qemuImgBinary: o.qemuImgBinary ?? '/usr/bin/qemu-img',
    ipBinary: o.ipBinary ?? 'ip',
    isoDir: o.isoDir ?? null,
    logger: o.logger ?? null,
  };
}
