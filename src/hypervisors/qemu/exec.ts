/**
 * Runs the host tools the QEMU driver drives (ip, qemu-img, qemu-system-x86_64) and turns
 * their failures into driver errors that say which command failed and what it printed.
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../../log/index.js';
import { HvConfigError, HvJobFailedError, HvTimeoutError } from '../errors.js';

const platform = 'qemu' as const;

/** The Debian package that ships each tool, for "not found" messages. */
const PACKAGES: Record<string, string> = {
  ip: 'iproute2',
  'qemu-img': 'qemu-utils',
  'qemu-system-x86_64': 'qemu-system-x86',
};

/** What a finished command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs commands, logging each at debug level. */
export class CommandRunner {
  constructor(private readonly logger: Logger | null) {}

  /**
   * Runs cmd to completion. A missing binary is HvConfigError naming its Debian package;
   * a non-zero exit is HvJobFailedError with the exit code and stderr; running past
   * timeoutMs is HvTimeoutError.
   */
  run(cmd: string, args: readonly string[], timeoutMs = 60_000): Promise<CommandOutput> {
    this.logger?.debug({ cmd, args }, 'qemu driver: run');
    return new Promise((resolve, reject) => {
      execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string | null };
        const line = `${cmd} ${args.join(' ')}`;
        const tool = cmd.split('/').pop() ?? cmd;
        if (e.code === 'ENOENT') {
          const pkg = PACKAGES[tool];
          return reject(new HvConfigError(`qemu: ${cmd} not found${pkg ? ` (install the Debian package ${pkg})` : ''}`, { platform, platformCode: 'ENOENT', cause: err }));
        }
        if (e.killed && e.signal === 'SIGTERM') {
          return reject(new HvTimeoutError(`qemu: ${line} ran longer than ${timeoutMs} ms`, { platform, cause: err }));
        }
        const text = (stderr || stdout || e.message).trim();
        reject(new HvJobFailedError(`qemu: ${line} failed: ${text}`, { platform, platformCode: `exit ${String(e.code ?? e.signal)}`, platformMessage: text, cause: err }));
      });
    });
  }
}
