import { readFileSync } from 'node:fs';
import { UsageError } from './exit.js';

/**
 * Reads a password from --password-file, --password-stdin or the environment variable `envName`.
 * There is deliberately no --password flag: command lines are visible in `ps`.
 */
export async function readPassword(opts: { passwordFile?: string; passwordStdin?: boolean }, command: string, envName = 'VIZOR_SOURCE_PASSWORD'): Promise<string | null> {
  if (opts.passwordFile && opts.passwordStdin) throw new UsageError('give either --password-file or --password-stdin, not both', command);
  if (opts.passwordFile) {
    try {
      return readFileSync(opts.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(`cannot read --password-file ${opts.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? err}`, command);
    }
  }
  if (opts.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  return process.env[envName] ?? null;
}
