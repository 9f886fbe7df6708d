// Chooses QEMU's accelerator. Nested KVM on the build machines passes trivial checks yet
// breaks real firmware (seen here: OVMF dies with "KVM internal error ... emulation failure"
// on an x87 instruction, and SeaBIOS + iPXE reboot in a loop), so the probe boots both
// firmwares briefly under KVM, with no network, and uses KVM only when both get far enough.
import { constants } from 'node:fs';
import { access, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readText, spawnLogged } from './lab-process.js';
import { LAB_PATHS } from './lab-tools.js';

/** QEMU accelerator used for lab VMs. */
export type Accel = 'kvm' | 'tcg';

let probe: Promise<boolean> | undefined;

/** Runs QEMU with -accel kvm and reports whether the serial console reached ok before it failed. */
async function bootsUnderKvm(
  dir: string,
  label: string,
  args: string[],
  ok: RegExp,
  bad: (serial: string) => boolean,
  verdict: { failed: boolean },
): Promise<boolean> {
  const serial = join(dir, `${label}.serial`);
  const qemuArgs = ['-accel', 'kvm', '-machine', 'q35', '-m', '256', '-nographic', '-display', 'none'];
  qemuArgs.push('-monitor', 'none', '-serial', `file:${serial}`, ...args);
  const proc = spawnLogged(LAB_PATHS.qemu, qemuArgs, { name: `kvm probe ${label}`, logPath: join(dir, `${label}.log`) });
  const deadline = Date.now() + 20_000;
  try {
    while (Date.now() < deadline && !verdict.failed) {
      const text = readText(serial);
      if (ok.test(text)) return true;
      // on an internal error QEMU pauses the guest and keeps running, so watch its stderr too
      if (bad(text) || proc.hasExited() || /KVM internal error|emulation failure/.test(proc.output())) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    verdict.failed = true; // one failing firmware settles it: stop the other probe too
    return false;
  } finally {
    await proc.kill(500);
  }
}

async function probeKvm(): Promise<boolean> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  const dir = await mkdtemp(join(tmpdir(), 'vizor-kvm-probe-'));
  try {
    const verdict = { failed: false };
    const vars = join(dir, 'vars.fd');
    await copyFile(LAB_PATHS.ovmfVars, vars);
    const ovmf = bootsUnderKvm(
      dir,
      'ovmf',
      [
        '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${LAB_PATHS.ovmfCode}`,
        '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
        '-nic', 'none',
      ],
      /BdsDxe/,
      () => false,
      verdict,
    );
    // a NIC without a peer (and -nic none: no default user-mode NIC): iPXE runs, nothing leaves the VM
    const ipxe = bootsUnderKvm(
      dir,
      'seabios-ipxe',
      ['-nic', 'none', '-device', 'virtio-net-pci,mac=52:54:00:00:00:01,bootindex=1'],
      /net0:/,
      (s) => (s.match(/SeaBIOS \(version/g) ?? []).length > 1,
      verdict,
    );
    const [a, b] = await Promise.all([ovmf, ipxe]);
    return a && b;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether KVM works well enough here to run OVMF and SeaBIOS + iPXE (probed once per process). */
export function kvmAvailable(): Promise<boolean> {
  probe ??= probeKvm();
  return probe;
}

/**
 * The accelerator lab VMs use: VIZOR_LAB_ACCEL=kvm|tcg forces one; unset or `auto` uses KVM
 * only when kvmAvailable() says so, TCG otherwise.
 */
export async function labAccel(): Promise<Accel> {
  const forced = process.env.VIZOR_LAB_ACCEL ?? 'auto';
  if (forced === 'kvm' || forced === 'tcg') return forced;
  if (forced !== 'auto') throw new Error(`VIZOR_LAB_ACCEL=${forced}: expected kvm, tcg or auto`);
  return (await kvmAvailable()) ? 'kvm' : 'tcg';
}
