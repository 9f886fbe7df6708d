// A clean Debian root for the appliance tests: a cached debootstrap, extracted per test
// file and entered with chroot inside a private mount and network namespace held by one
// process. Every mount (/proc, /sys, /dev, the repository at /src, the host's node) lives
// only in that namespace, so it vanishes with the holder, even if the test dies.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The repository (also what the tests install, bind-mounted read-only at /src). */
export const REPO = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');
const BASE_TAR = join(REPO, '.cache/appliance/debian-12-base.tar');
/** PATH inside the root, as a fresh Debian login would have it. */
export const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The host's node, bind-mounted into roots at the same path (Debian 12's nodejs is 18, too old). */
export const HOST_NODE = process.execPath;
/** A bzImage+EFI binary shaped like wimboot (Debian's installer kernel), for --wimboot. */
export const WIMBOOT_STANDIN = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/linux';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Fails (never skips) with what to install when the appliance tests cannot run here. */
export function requireApplianceTools(extra: { cmd: string; pkg: string }[] = []): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('run as root (chroot, mount and network namespaces)');
  for (const t of [{ cmd: 'debootstrap', pkg: 'debootstrap' }, { cmd: 'unshare', pkg: 'util-linux' }, { cmd: 'ip', pkg: 'iproute2' }, ...extra]) {
    if (!has(t.cmd)) problems.push(`${t.cmd} is missing: apt-get install ${t.pkg}`);
  }
  if (!existsSync(WIMBOOT_STANDIN)) problems.push(`${WIMBOOT_STANDIN} is missing: apt-get install debian-installer-12-netboot-amd64`);
  if (problems.length) throw new Error(`appliance tests cannot run: ${problems.join('; ')}`);
}

/** The cached base root tar, built once (about 1.5 min and a Debian mirror) under a lock. */
export function baseRootTar(): string {
  const script = join(REPO, 'test/integration/appliance/base-root.sh');
  // flock: two test files may ask at once; the second waits and finds the tar.
  const res = spawnSync('flock', [`${BASE_TAR}.lock`, 'sh', '-c', `test -f "$1" || bash "$2" "$1"`, '_', BASE_TAR, script], {
    encoding: 'utf8', timeout: 15 * 60_000, stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (res.status !== 0) throw new Error(`building the cached Debian root failed: ${res.stderr || res.error?.message}`);
  return BASE_TAR;
}

/** Result of a command run in the root. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function result(r: SpawnSyncReturns<string>): Run {
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** A Debian root extracted from the cache and a namespace holder to enter it through. */
export class TestRoot {
  private readonly children = new Set<ChildProcess>();

  private constructor(readonly dir: string, private readonly holder: ChildProcess) {}

  /** Extracts the base root and mounts what chroot needs, in the holder's namespaces. */
  static create(): TestRoot {
    removeStaleRoots();
    mkdirSync(join(REPO, '.cache/appliance'), { recursive: true });
    const tar = baseRootTar();
    const dir = mkdtempSync('/var/tmp/vizor-appliance-');
    const x = spawnSync('tar', ['-C', dir, '-xf', tar], { encoding: 'utf8' });
    if (x.status !== 0) throw new Error(`tar -x ${tar}: ${x.stderr}`);
    // As "/" of a booted system a 0700 folder (mkdtemp's) locks out every non-root daemon.
    chmodSync(dir, 0o755);
    // The holder dies with this process (pdeathsig), and the namespaces with it.
    const holder = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--mount', '--net', '--propagation', 'private', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
    const root = new TestRoot(dir, holder);
    root.waitForHolder();
    writeFileSync(join(dir, 'etc/resolv.conf'), readFileSync('/etc/resolv.conf'));
    const steps = [
      ['mount', '-t', 'proc', 'proc', `${dir}/proc`],
      ['mount', '--rbind', '/sys', `${dir}/sys`], ['mount', '--make-rslave', `${dir}/sys`],
      ['mount', '--rbind', '/dev', `${dir}/dev`], ['mount', '--make-rslave', `${dir}/dev`],
      ['mkdir', '-p', `${dir}/src`], ['mount', '--bind', REPO, `${dir}/src`], ['mount', '-o', 'remount,bind,ro', `${dir}/src`],
    ];
    for (const s of steps) root.hostCmd(s, 'mount');
    root.hostCmd(['ip', 'link', 'set', 'lo', 'up'], 'net');
    return root;
  }

  private waitForHolder(): void {
    const deadline = Date.now() + 10_000;
    const own = readlinkSafe('/proc/self/ns/mnt');
    while (Date.now() < deadline) {
      const ns = readlinkSafe(`/proc/${this.holder.pid}/ns/mnt`);
      if (ns && ns !== own) return;
      spawnSync('sleep', ['0.05']);
    }
    throw new Error('the namespace holder (unshare) did not start');
  }

  /** Runs a host binary inside the holder's mount ('mount') or network ('net') namespace. */
  hostRun(argv: readonly string[], ns: 'mount' | 'net'): Run {
    return result(spawnSync('nsenter', ['-t', String(this.holder.pid), ns === 'mount' ? '-m' : '-n', '--', ...argv], { encoding: 'utf8', timeout: 60_000 }));
  }

  private hostCmd(argv: readonly string[], ns: 'mount' | 'net'): void {
    const r = this.hostRun(argv, ns);
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }

  /** Binds the host's node into the root at the same path (on PATH there too). */
  bindNode(): void {
    const target = join(this.dir, HOST_NODE);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, '');
    this.hostCmd(['mount', '--bind', '-o', 'ro', HOST_NODE, target], 'mount');
  }

  private argv(cmd: readonly string[], net: 'host' | 'private'): string[] {
    const ns = net === 'private' ? ['-m', '-n'] : ['-m'];
    return ['--pdeathsig', 'KILL', '--', 'nsenter', '-t', String(this.holder.pid), ...ns, '--', 'chroot', this.dir, '/usr/bin/env', '-i', `PATH=${ROOT_PATH}`, 'HOME=/root', 'LANG=C.UTF-8', ...cmd];
  }

  /** Runs cmd in the root with a clean environment; 'private' is the holder's own network. */
  run(cmd: readonly string[], opts: { net?: 'host' | 'private'; timeoutMs?: number } = {}): Run {
    return result(spawnSync('setpriv', this.argv(cmd, opts.net ?? 'host'), { encoding: 'utf8', timeout: opts.timeoutMs ?? 10 * 60_000 }));
  }

  /** Starts cmd in the root (private network); close() kills it if still running. */
  start(cmd: readonly string[]): ChildProcess & { output: () => string } {
    const child = spawn('setpriv', this.argv(cmd, 'private'), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return Object.assign(child, { output: () => out });
  }

  /** Kills what runs in the root, then the holder (its mounts go with it), then deletes the root. */
  async close(): Promise<void> {
    for (const c of [...this.children, this.holder]) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    }
    // Nothing of the root may be mounted in this namespace before it is deleted.
    const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(this.dir));
    if (mounted.length) throw new Error(`still mounted below ${this.dir}: ${mounted.join('; ')}`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Deletes roots a killed test run left (its namespaces died with it, so nothing is mounted
 * there); an hour old at least (ctime: tar sets the mtime), so a root in use is never touched.
 */
function removeStaleRoots(): void {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  for (const name of readdirSync('/var/tmp').filter((n) => n.startsWith('vizor-appliance-'))) {
    const dir = join('/var/tmp', name);
    if (Date.now() - statSync(dir).ctimeMs < 3600_000 || mountinfo.includes(` ${dir}/`) || mountinfo.includes(` ${dir} `)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function readlinkSafe(p: string): string | null {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
}

/** sha256, size, mode, owner and mtime of every file below each path (relative to root). */
export function snapshot(root: string, paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (p: string): void => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      out.set(`${relative(root, p)}/`, `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`);
      for (const n of readdirSync(p)) visit(join(p, n));
      return;
    }
    const sum = st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'special';
    out.set(relative(root, p), `${sum} ${st.size} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`);
  };
  for (const p of paths) visit(join(root, p));
  return out;
}
