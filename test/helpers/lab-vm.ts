// QEMU VMs that network-boot from a lab bridge: SeaBIOS + iPXE NIC ROM, or OVMF with its
// own PXE / HTTP boot stack. Serial console to a file, a QMP socket for power-off.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { labAccel, type Accel } from './lab-accel.js';
import { readText, tail, waitForText, type LabProcess } from './lab-process.js';
import { LAB_PATHS } from './lab-tools.js';
import { qmpExecute } from '../../src/hypervisors/qemu/qmp.js';

export interface VmOptions {
  firmware: 'bios' | 'uefi';
  /** Lab bridge the VM's NIC (a tap) is attached to. */
  bridge: string;
  /** Default: random, locally administered 52:54:00:xx:xx:xx. */
  mac?: string;
  /** NIC model (default virtio). */
  nic?: 'virtio' | 'e1000';
  /**
   * true: QEMU's default iPXE option ROM for the NIC (efi-virtio.rom / efi-e1000.rom, which
   * hold both the BIOS and the UEFI driver); false: `romfile=` (no ROM), so OVMF uses its own
   * VirtioNet driver + PXE/HTTP boot. Default: true for bios, false for uefi.
   */
  nicRom?: boolean;
  /** UEFI only: turn off OVMF's PXE (IPv4 and IPv6) via fw_cfg, so its UEFI HTTPv4 boot option runs first. */
  httpBoot?: boolean;
  /** Default 512. */
  memoryMb?: number;
  /** Hard limit on the VM's lifetime; it is killed after this (default 20 min). */
  timeoutMs?: number;
  /** Disk image (qcow2 or raw, detected), attached as virtio-blk after the NIC in boot order. */
  disk?: string;
  /** Appended to QEMU's command line. */
  qemuArgs?: string[];
}

/** A running lab VM. */
export interface Vm {
  readonly name: string;
  readonly mac: string;
  readonly firmware: 'bios' | 'uefi';
  readonly accel: Accel;
  readonly bridge: string;
  readonly tap: string;
  readonly serialPath: string;
  /** SeaBIOS debug output (isa-debugcon 0x402); Debian's OVMF is a release build and writes nothing there. */
  readonly debugLogPath: string;
  readonly process: LabProcess;
  /** Serial console so far, with ANSI escapes, backspace erasures and carriage returns cleaned out unless raw. */
  serialLog(opts?: { raw?: boolean }): string;
  debugLog(): string;
  /** Resolves with the first match in serialLog(); rejects on timeout or when QEMU exits first. */
  waitForSerial(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Runs one QMP command and resolves with its `return` value. */
  qmp(command: string, args?: Record<string, unknown>): Promise<unknown>;
  /** QMP quit, then SIGKILL if needed; deletes the tap. Idempotent. */
  stop(): Promise<void>;
}

/** What a VM needs from its lab. */
export interface VmHost {
  name: string;
  dir: string;
  hasBridge(name: string): boolean;
  spawn(cmd: string, args: string[], opts?: { name?: string }): LabProcess;
  ip(args: string[]): Promise<unknown>;
}

/** Removes ANSI escapes, "\b \b" erasures and CRs from a serial console capture. */
export function cleanSerial(s: string): string {
  return s
    .replace(/\x1b(\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_]|c)/g, '')
    .replace(/\x08 \x08|\x08/g, '')
    .replace(/\r+\n/g, '\n')
    .replace(/\r/g, '\n');
}

/** A random locally administered MAC in QEMU's 52:54:00 range. */
export function randomMac(): string {
  return `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

async function diskFormat(path: string): Promise<'qcow2' | 'raw'> {
  const f = await open(path, 'r');
  try {
    const { buffer } = await f.read(Buffer.alloc(4), 0, 4, 0);
    return buffer.toString('latin1') === 'QFI\xfb' ? 'qcow2' : 'raw';
  } finally {
    await f.close();
  }
}

/** Sends one QMP command over a fresh connection: the QEMU driver's own client. */
export const qmpCommand = qmpExecute;

async function firmwareArgs(opts: VmOptions, dir: string): Promise<string[]> {
  if (opts.firmware === 'bios') {
    if (opts.httpBoot) throw new Error('bootVm: httpBoot needs firmware uefi');
    return []; // SeaBIOS is QEMU's default
  }
  const vars = join(dir, 'OVMF_VARS.fd');
  await copyFile(LAB_PATHS.ovmfVars, vars);
  const args = [
    '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${LAB_PATHS.ovmfCode}`,
    '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
  ];
  // OVMF reads these NetworkPkg PCDs from fw_cfg; without PXE options HTTPv4 is tried first
  if (opts.httpBoot) {
    args.push('-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=n');
    args.push('-fw_cfg', 'name=opt/org.tianocore/IPv6PXESupport,string=n');
  }
  return args;
}

/** Creates a tap on the bridge and starts QEMU on it inside the lab's namespace. */
export async function startVm(host: VmHost, index: number, opts: VmOptions): Promise<Vm> {
  if (!host.hasBridge(opts.bridge)) throw new Error(`bootVm: lab ${host.name} has no bridge ${opts.bridge}`);
  const mac = (opts.mac ?? randomMac()).toLowerCase();
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) throw new Error(`bootVm: bad mac "${opts.mac}"`);
  const name = `vm${index}`;
  const tap = `tap${index}`;
  const dir = join(host.dir, name);
  await mkdir(dir, { recursive: true });
  const accel = await labAccel();
  const serialPath = join(dir, 'serial.log');
  const debugLogPath = join(dir, 'debug.log');
  const qmpPath = join(dir, 'qmp.sock');
  const nicRom = opts.nicRom ?? opts.firmware === 'bios';
  const model = opts.nic === 'e1000' ? 'e1000' : 'virtio-net-pci';
  // explicit romfile paths would break SeaBIOS: QEMU patches the ROM's PCI ids only for its default ROM
  const nic = `${model},netdev=n0,mac=${mac},bootindex=1${nicRom ? '' : ',romfile='}`;
  const args = [
    '-name', `${host.name}-${name}`, '-accel', accel, '-machine', 'q35', '-m', String(opts.memoryMb ?? 512),
    '-nographic', '-display', 'none', '-monitor', 'none', '-serial', `file:${serialPath}`,
    '-debugcon', `file:${debugLogPath}`, '-global', 'isa-debugcon.iobase=0x402',
    '-qmp', `unix:${qmpPath},server=on,wait=off`,
    ...(await firmwareArgs(opts, dir)),
    // -nic none: never QEMU's default user-mode NIC, whose NAT would reach beyond the lab
    '-nic', 'none', '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`, '-device', nic,
  ];
  if (opts.disk) {
    args.push('-drive', `file=${opts.disk},if=none,id=d0,format=${await diskFormat(opts.disk)}`);
    args.push('-device', 'virtio-blk-pci,drive=d0,bootindex=2');
  }
  args.push(...(opts.qemuArgs ?? []));

  await host.ip(['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  await host.ip(['link', 'set', tap, 'master', opts.bridge, 'up']);
  const proc = host.spawn(LAB_PATHS.qemu, args, { name });
  const watchdog = setTimeout(() => void proc.kill(0), opts.timeoutMs ?? 20 * 60_000);
  watchdog.unref();

  let stopped: Promise<void> | undefined;
  const vm: Vm = {
    name, mac, firmware: opts.firmware, accel, bridge: opts.bridge, tap, serialPath, debugLogPath, process: proc,
    serialLog: (o) => (o?.raw ? readText(serialPath) : cleanSerial(readText(serialPath))),
    debugLog: () => readText(debugLogPath),
    waitForSerial: (re, timeoutMs) =>
      waitForText(`${name} serial (${opts.firmware}, ${mac})`, () => vm.serialLog(), re, timeoutMs, () => proc.hasExited()),
    qmp: (command, a) => qmpCommand(qmpPath, command, a),
    stop() {
      stopped ??= (async () => {
        clearTimeout(watchdog);
        if (!proc.hasExited()) {
          await vm.qmp('quit').catch(() => undefined);
          await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 5000))]);
          await proc.kill(1000);
        }
        await host.ip(['link', 'del', tap]).catch(() => undefined);
      })();
      return stopped;
    },
  };

  // QEMU is ready once its QMP socket exists; a bad argument makes it exit instead
  const deadline = Date.now() + 15_000;
  while (!existsSync(qmpPath)) {
    if (proc.hasExited() || Date.now() > deadline) {
      await vm.stop();
      throw new Error(`bootVm: qemu did not start (${accel}): ${tail(proc.output())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return vm;
}
