// Runs the vizor CLI as a child process without blocking this one (fakes and servers the
// command talks to run in the test process).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/vizor.js of this checkout. */
export const VIZOR_BIN = fileURLToPath(new URL('../../../bin/vizor.js', import.meta.url));

/** Exit status and output of one CLI run. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vizor <args>` with `env` added to this process's environment and `input` on stdin. */
export function runVizor(env: NodeJS.ProcessEnv, args: readonly string[], input = ''): Promise<CliRun> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [VIZOR_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('exit', (code) => resolve({ status: code ?? 1, stdout, stderr }));
    c.stdin.end(input);
  });
}
