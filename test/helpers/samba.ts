// Starts a real Samba smbd on 127.0.0.1 with a fully private configuration, for SMB
// client tests. Needs root (a Unix account backs the Samba user) and the Debian package
// samba; fails (never skips) with the package name when smbd is missing.
import { spawn, execFile } from 'node:child_process';
import { access, chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { SmbServer, type SmbShare } from '../../src/exposure/index.js';

const run = promisify(execFile);
const SMBD = '/usr/sbin/smbd';
const SMBPASSWD = '/usr/bin/smbpasswd';
/** A suggested Samba user name; each Samba user is backed by a Unix system account of the same name. */
export const SAMBA_TEST_USER = 'vizor-smbtest';

export interface SambaOptions {
  /** Share name -> local directory. */
  shares: Record<string, string>;
  user: string;
  password: string;
  writable?: boolean;
  /** More shares, e.g. a writable status share beside read-only media. */
  extraShares?: SmbShare[];
}

export interface SambaServer {
  host: '127.0.0.1';
  port: number;
  /** The private smb.conf, e.g. for smbclient -s. */
  configFile: string;
  stop(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function requireTool(path: string): Promise<void> {
  if (!(await exists(path))) throw new Error(`${path} not found: install the Debian package samba (apt-get install samba)`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Creates the system account a Samba user maps to, unless it exists (tests run as root). */
async function ensureUnixUser(user: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new Error(`startSamba: "${user}" is not a valid Unix user name`);
  try {
    await run('id', ['-u', user]);
    return;
  } catch {
    // create it below
  }
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  } catch (err) {
    // a concurrent test file may have created it meanwhile
    await run('id', ['-u', user]).catch(() => {
      throw new Error(`cannot create Unix user ${user} for smbd (run the tests as root): ${(err as Error).message}`);
    });
  }
}

/** Makes a shared tree readable by the Samba user (directories a+rx, files a+r). */
async function makeReadable(path: string): Promise<void> {
  const s = await stat(path);
  await chmod(path, s.mode | (s.isDirectory() ? 0o555 : 0o444));
  if (s.isDirectory()) for (const name of await readdir(path)) await makeReadable(join(path, name));
}

/**
 * Starts vizor's own smbd manager (src/exposure SmbServer: the production smb.conf, start-up
 * wait and process-group stop) on 127.0.0.1 with a free port and a private state folder,
 * and adds the Samba user. The shares are `opts.shares` (all read-only unless `writable`)
 * plus `extraShares`.
 */
export async function startSamba(opts: SambaOptions): Promise<SambaServer> {
  await requireTool(SMBD);
  await requireTool(SMBPASSWD);
  await ensureUnixUser(opts.user);
  for (const path of Object.values(opts.shares)) await makeReadable(path);
  const dir = await mkdtemp(join(tmpdir(), 'vizor-samba-'));
  const port = await freePort();
  const server = new SmbServer({ stateDir: dir, listen: ['127.0.0.1'], port, netbiosName: 'VIZORTEST', log: pino({ level: 'silent' }) });
  try {
    const shares: SmbShare[] = [
      ...Object.entries(opts.shares).map(([name, path]) => ({ name, path, writable: !!opts.writable, users: [opts.user] })),
      ...(opts.extraShares ?? []),
    ];
    await server.start(shares);
    await addSambaUser(server.configFile, opts.user, opts.password);
  } catch (err) {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    configFile: server.configFile,
    stop: () => (stopped ??= server.stop().then(() => rm(dir, { recursive: true, force: true }))),
  };
}

async function addSambaUser(configFile: string, user: string, password: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(SMBPASSWD, ['-c', configFile, '-a', '-s', user], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smbpasswd -a ${user} failed (${code}): ${stderr.trim()}`))));
    child.stdin.end(`${password}\n${password}\n`);
  });
}
