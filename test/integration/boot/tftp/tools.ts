// Runs the real TFTP clients the interop tests and benchmark compare against.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

/** Debian package providing each client binary. */
export const PACKAGE: Record<string, string> = { curl: 'curl', tftp: 'tftp-hpa', atftp: 'atftp' };

/** Throws (so the test fails, never skips) when `cmd` is missing, naming the Debian package. */
export function requireTool(cmd: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!found) throw new Error(`${cmd} not found: install the Debian package ${PACKAGE[cmd] ?? cmd} (see scripts/deps.sh)`);
}

export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client with a timeout; resolves with its exit code and output, never rejects on failure. */
export function runClient(cmd: string, args: string[], timeoutMs = 120_000): Promise<ClientRun> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Command lines that fetch `file` from 127.0.0.1:`port` into `out` with each client. */
export const CLIENTS = {
  curl: (port: number, file: string, out: string, o: { blksize?: number; host?: string } = {}) => [
    'curl',
    ['-sS', '--path-as-is', ...(o.blksize ? ['--tftp-blksize', String(o.blksize)] : []), '-o', out, `tftp://${o.host ?? '127.0.0.1'}:${port}/${file}`],
  ] as const,
  tftp: (port: number, file: string, out: string, o: { mode?: 'binary' | 'ascii' } = {}) => [
    'tftp',
    ['-m', o.mode ?? 'binary', '127.0.0.1', String(port), '-c', 'get', file, out],
  ] as const,
  atftp: (port: number, file: string, out: string, o: { blksize?: number; windowsize?: number } = {}) => [
    'atftp',
    [
      '--get', '-r', file, '-l', out,
      ...(o.blksize ? ['--option', `blksize ${o.blksize}`] : []),
      ...(o.windowsize ? ['--option', `windowsize ${o.windowsize}`] : []),
      '127.0.0.1', String(port),
    ],
  ] as const,
};

/** Reads and deletes a client's output file ('' when the client did not create it). */
export function takeOutput(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  } finally {
    rmSync(path, { force: true });
  }
}
