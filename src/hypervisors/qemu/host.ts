/**
 * The host side of the QEMU driver: taps on the bridge (inside the configured network
 * namespace), qcow2 images and internal snapshots through qemu-img, and the QEMU binary.
 */
import { HvConfigError, HvJobFailedError } from '../errors.js';
import type { CommandOutput, CommandRunner } from './exec.js';
import type { ResolvedQemuOptions } from './options.js';

const platform = 'qemu' as const;

/** A snapshot as `qemu-img info --output=json` lists it. */
export interface QcowSnapshot {
  readonly id: string;
  readonly name: string;
  readonly 'date-sec': number;
  readonly 'vm-state-size': number;
}

/** What `qemu-img info --output=json` says about an image (the parts the driver reads). */
export interface QcowInfo {
  readonly 'virtual-size': number;
  readonly 'backing-filename'?: string;
  readonly 'full-backing-filename'?: string;
  readonly snapshots?: QcowSnapshot[];
}

/** Commands against the host, honouring the driver's netns and binaries. */
export class QemuHost {
  constructor(
    private readonly opts: ResolvedQemuOptions,
    private readonly runner: CommandRunner,
  ) {}

  private ip(args: string[]): Promise<CommandOutput> {
    return this.runner.run(this.opts.ipBinary, this.opts.netns ? ['-n', this.opts.netns, ...args] : args, 15_000);
  }

  /** True when the configured bridge exists (in the namespace, if any). */
  async bridgeExists(): Promise<boolean> {
    if (!this.opts.bridge) return false;
    try {
      const { stdout } = await this.ip(['-o', 'link', 'show', 'dev', this.opts.bridge, 'type', 'bridge']);
      return stdout.trim().length > 0;
    } catch {
      return false;
    }
  }

  /** Throws HvConfigError unless the configured bridge exists. */
  async requireBridge(): Promise<string> {
    const bridge = this.opts.bridge;
    if (!bridge) throw new HvConfigError('qemu: no bridge configured', { platform });
    if (!(await this.bridgeExists())) {
      const where = this.opts.netns ? ` in network namespace ${this.opts.netns}` : '';
      throw new HvConfigError(`qemu: bridge ${bridge} does not exist${where} (create it with: ip link add ${bridge} type bridge)`, { platform, platformCode: 'ENODEV' });
    }
    return bridge;
  }

  /** Creates `tap` (replacing a stale one) and enslaves it to the bridge; on failure removes it again. */
  async createTap(tap: string): Promise<void> {
    const bridge = await this.requireBridge();
    await this.deleteTap(tap);
    await this.ip(['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    try {
      await this.ip(['link', 'set', 'dev', tap, 'master', bridge, 'up']);
    } catch (err) {
      await this.deleteTap(tap);
      throw err;
    }
  }

  /** Deletes `tap`; a tap that does not exist is fine. */
  async deleteTap(tap: string): Promise<void> {
    if (!(await this.tapExists(tap))) return;
    await this.ip(['link', 'del', 'dev', tap]);
  }

  /** True when an interface named `tap` exists. */
  async tapExists(tap: string): Promise<boolean> {
    try {
      await this.ip(['-o', 'link', 'show', 'dev', tap]);
      return true;
    } catch {
      return false;
    }
  }

  /** The command and argv that run QEMU, wrapped in `ip netns exec` when the driver has a namespace. */
  qemuCommand(argv: readonly string[]): { cmd: string; args: string[] } {
    return this.opts.netns
      ? { cmd: this.opts.ipBinary, args: ['netns', 'exec', this.opts.netns, this.opts.qemuBinary, ...argv] }
      : { cmd: this.opts.qemuBinary, args: [...argv] };
  }

  /** Runs QEMU to completion (with -daemonize it returns once the VM is up). */
  runQemu(argv: readonly string[]): Promise<CommandOutput> {
    const { cmd, args } = this.qemuCommand(argv);
    return this.runner.run(cmd, args, 120_000);
  }

  /** `qemu-system-x86_64 --version`, first line. */
  async qemuVersion(): Promise<string> {
    const { stdout } = await this.runner.run(this.opts.qemuBinary, ['--version'], 15_000);
    return /version\s+(\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]?.trim() ?? 'unknown';
  }

  /** `qemu-img --version` (fails with the package to install when qemu-img is missing). */
  async qemuImgVersion(): Promise<string> {
    const { stdout } = await this.img(['--version'], 15_000);
    return /version\s+(\S+)/.exec(stdout)?.[1] ?? 'unknown';
  }

  private img(args: string[], timeoutMs = 120_000): Promise<CommandOutput> {
    return this.runner.run(this.opts.qemuImgBinary, args, timeoutMs);
  }

  /** Creates an empty qcow2 disk of sizeGiB. */
  async createDisk(path: string, sizeGiB: number): Promise<void> {
    await this.img(['create', '-q', '-f', 'qcow2', path, `${sizeGiB}G`]);
  }

  /** Creates a qcow2 overlay of `backing` (a path relative to the overlay's folder, so stateDir can move). */
  async createOverlay(path: string, backing: string): Promise<void> {
    await this.img(['create', '-q', '-f', 'qcow2', '-b', backing, '-F', 'qcow2', path]);
  }

  /** `qemu-img info` of one image (not its backing chain); -U reads it even while QEMU holds it. */
  async info(path: string): Promise<QcowInfo> {
    const { stdout } = await this.img(['info', '-U', '--output=json', path], 30_000);
    try {
      return JSON.parse(stdout) as QcowInfo;
    } catch (err) {
      throw new HvJobFailedError(`qemu: qemu-img info ${path} printed no JSON`, { platform, platformMessage: stdout.slice(0, 200), cause: err });
    }
  }

  /** Creates (-c), applies (-a) or deletes (-d) the internal snapshot `tag`; the image must not be in use. */
  async snapshot(op: 'create' | 'apply' | 'delete', path: string, tag: string): Promise<void> {
    const flag = { create: '-c', apply: '-a', delete: '-d' }[op];
    await this.img(['snapshot', flag, tag, path]);
  }
}
