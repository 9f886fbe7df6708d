import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SmbAccountError } from './errors.js';

/** Prefix of every per-build account vizor creates; nothing else carries it. */
export const BUILD_ACCOUNT_PREFIX = 'vzb-';
/** GECOS comment marking the Unix accounts vizor created (and may delete). */
export const BUILD_ACCOUNT_COMMENT = 'vizor build share account';
const ACCOUNT = /^vzb-[a-z0-9]{4,20}$/;
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A random account password of 24 letters and digits: strong, and free of the cmd
 * metacharacters install.cmd refuses, so WinPE can pass it to `net use` unquoted.
 */
export function newSharePassword(): string {
  const bytes = randomBytes(48);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b >= 224) continue;
    out += PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length];
    if (out.length === 24) return out;
  }
  return out + newSharePassword().slice(0, 24 - out.length);
}

/** True for names vizor gives per-build accounts. */
export function isBuildAccount(name: string): boolean {
  return ACCOUNT.test(name);
}

function run(cmd: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const why = (err: unknown): string => ((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').slice(-1)[0] ?? '';

/**
 * Per-build Samba accounts for vizor's private smbd. Samba needs a Unix account behind
 * each user, so each is a system account without home or shell, marked by its comment;
 * the Samba password lives only in smbd's private passdb (and vizor's secrets store).
 */
export class SmbAccounts {
  /** The comment this vizor's accounts carry: the common marker plus which smbd (state folder) they serve. */
  private readonly comment: string;

  constructor(private readonly configFile: string) {
    // Another vizor on the same host (or a parallel test) has its own accounts: never touch those.
    this.comment = `${BUILD_ACCOUNT_COMMENT} ${createHash('sha256').update(configFile).digest('hex').slice(0, 8)}`;
  }

  /** Creates (or re-keys) `name` with `password`. */
  async ensure(name: string, password: string): Promise<void> {
    if (!isBuildAccount(name)) throw new SmbAccountError(`"${name}" is not a vizor build account name (vzb-<4-20 lower-case letters/digits>)`);
    if (!(await this.unixAccountExists(name))) {
      try {
        await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--comment', this.comment, name]);
      } catch (err) {
        if (!(await this.unixAccountExists(name))) throw new SmbAccountError(`cannot create Unix account ${name} (vizor needs root for SMB accounts): ${why(err)}`);
      }
    }
    try {
      // pdbedit -t reads the new password twice from stdin: it never appears in argv.
      await run('pdbedit', ['--configfile', this.configFile, '--create', '--password-from-stdin', '--user', name], `${password}\n${password}\n`).catch(async () => {
        await run('smbpasswd', ['-c', this.configFile, '-s', '-a', name], `${password}\n${password}\n`);
      });
    } catch (err) {
      throw new SmbAccountError(`cannot set the Samba password of ${name}: ${why(err)}`);
    }
  }

  /** Removes `name` from Samba and the system; absent accounts are fine. Refuses accounts vizor did not create. */
  async remove(name: string): Promise<void> {
    if (!isBuildAccount(name)) throw new SmbAccountError(`refusing to remove "${name}": not a vizor build account`);
    await run('pdbedit', ['--configfile', this.configFile, '--delete', '--user', name]).catch(() => undefined);
    if (await this.unixAccountExists(name)) {
      if (!(await this.createdByVizor(name))) throw new SmbAccountError(`refusing to delete Unix account ${name}: vizor did not create it`);
      await run('userdel', [name]).catch((err) => {
        throw new SmbAccountError(`cannot delete Unix account ${name}: ${why(err)}`);
      });
    }
  }

  /** Build accounts of this vizor that exist on this system (Unix accounts it created). */
  async list(): Promise<string[]> {
    const passwd = await readFile('/etc/passwd', 'utf8');
    return passwd
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f[0] && isBuildAccount(f[0]) && f[4] === this.comment)
      .map((f) => f[0]!);
  }

  private async unixAccountExists(name: string): Promise<boolean> {
    return run('id', ['-u', name]).then(() => true, () => false);
  }

  private async createdByVizor(name: string): Promise<boolean> {
    const passwd = await readFile('/etc/passwd', 'utf8');
    return passwd.split('\n').some((l) => l.startsWith(`${name}:`) && l.split(':')[4] === this.comment);
  }
}
