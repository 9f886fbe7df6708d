// Reads FAT images back with the reference tools: mtools (mdir, mcopy, mlabel, minfo) and
// dosfstools' fsck.fat. A missing tool fails the test with the Debian package to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOOLS = [
  { path: '/usr/bin/mdir', pkg: 'mtools' },
  { path: '/usr/bin/mcopy', pkg: 'mtools' },
  { path: '/usr/sbin/fsck.fat', pkg: 'dosfstools' },
];
// mtools converts long names with the locale's charset; C.UTF-8 exists on every Debian
const ENV = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', MTOOLSRC: '/dev/null' };

/** Throws naming the Debian packages to install when mtools or dosfstools are missing. */
export function requireFatTools(): void {
  const missing = [...new Set(TOOLS.filter((t) => !existsSync(t.path)).map((t) => t.pkg))];
  if (missing.length) throw new Error(`FAT image tests need ${missing.join(' ')}: apt-get install ${missing.join(' ')}`);
}

/** A FAT image written to a temp file, read back through mtools and fsck.fat. */
export interface ImageOnDisk {
  readonly path: string;
  /** Long names (or short names where there is no long one) as `mdir -b` lists them. */
  names(): string[];
  /** `mdir` output, which shows each short name beside its long name. */
  listing(): string;
  /** A file's bytes through `mcopy`. */
  read(name: string): Buffer;
  /** Copies every file out with one `mcopy` into a fresh folder and returns name → bytes. */
  readAll(): Map<string, Buffer>;
  /** `mlabel -s` output, e.g. ` Volume label is VIZOR`. */
  label(): string;
  /** fsck.fat -n (read-only check): exit code and output. */
  fsck(): { code: number | null; output: string };
  remove(): void;
}

/** Writes `img` to a temp file and returns readers over it. */
export function imageOnDisk(img: Buffer): ImageOnDisk {
  const dir = mkdtempSync(join(tmpdir(), 'vizor-fat-'));
  const path = join(dir, 'floppy.img');
  writeFileSync(path, img);
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: ENV, maxBuffer: 8 * 1024 * 1024 });
  return {
    path,
    names: () => run('mdir', ['-b', '-i', path, '::']).toString('utf8').split('\n').filter(Boolean).map((l) => l.replace(/^::\//, '')),
    listing: () => run('mdir', ['-i', path, '::']).toString('utf8'),
    read: (name) => run('mcopy', ['-n', '-i', path, `::${name}`, '-']),
    readAll() {
      const out = join(dir, 'out');
      mkdirSync(out);
      const names = readdirSync(out);
      if (names.length) throw new Error('out folder not empty');
      if (this.names().length) run('mcopy', ['-n', '-i', path, '::*', out]);
      return new Map(readdirSync(out).map((n) => [n, readFileSync(join(out, n))]));
    },
    label: () => run('mlabel', ['-s', '-i', path, '::']).toString('utf8'),
    fsck() {
      const r = spawnSync('fsck.fat', ['-n', path], { env: ENV, encoding: 'utf8' });
      return { code: r.status, output: `${r.stdout}${r.stderr}` };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
