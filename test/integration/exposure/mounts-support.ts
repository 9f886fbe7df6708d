// Shared by the ISO mount integration tests: an independent extraction with 7-Zip, a
// digest of a directory tree, mount table and helper process look-ups. Needs root,
// /dev/fuse, the built helper and 7-Zip; a missing one fails with what to install.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { locateHelper, readMountInfo, type IsoMountSource } from '../../../src/exposure/mounts/index.js';
import { openImageFile } from '../../../src/media/index.js';

const run = promisify(execFile);

/** Fails (never skips) unless this machine can run FUSE mounts of vizor-isofs. */
export async function requireFuse(): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('ISO mount tests need root (they mount FUSE file systems)');
  await access('/dev/fuse').catch(() => {
    throw new Error('/dev/fuse is missing: install the Debian package fuse3 and load the fuse module');
  });
  const helper = await locateHelper();
  if (!helper) throw new Error('build/Release/vizor-isofs is not built: apt-get install libfuse3-dev fuse3, then npm ci');
  return helper;
}

/** The 7-Zip binary: 7z (Debian 13) or 7zz (Debian 12's 7zip package). */
export async function sevenZip(): Promise<string> {
  for (const bin of ['/usr/bin/7z', '/usr/bin/7zz']) if (await access(bin).then(() => true, () => false)) return bin;
  throw new Error('7-Zip not found: install the Debian package 7zip (apt-get install 7zip)');
}

/** Extracts an image with 7-Zip into `dest`, leaving out `exclude` (7-Zip wildcards). */
export async function extract7z(iso: string, dest: string, exclude: string[] = []): Promise<void> {
  await run(await sevenZip(), ['x', '-y', '-bso0', '-bsp0', `-o${dest}`, ...exclude.map((x) => `-x!${x}`), iso], { maxBuffer: 16 << 20 });
}

/** Path -> size of every file 7-Zip lists in an image (directories left out). */
export async function list7z(iso: string): Promise<Map<string, number>> {
  const { stdout } = await run(await sevenZip(), ['l', '-slt', iso], { maxBuffer: 64 << 20 });
  const out = new Map<string, number>();
  for (const block of stdout.split('\n\n')) {
    const path = /^Path = (.*)$/m.exec(block)?.[1];
    const size = /^Size = (\d+)$/m.exec(block)?.[1];
    const folder = /^Folder = \+$/m.test(block);
    if (path && size !== undefined && !folder && !path.startsWith('/')) out.set(path, Number(size));
  }
  return out;
}

/** What one path of a tree is. */
export interface TreeItem {
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  mtimeSec: number;
  sha256?: string;
  target?: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every path below `root` (relative, "/"-separated) with type, size, mtime and content hash. */
export async function digestTree(root: string, skip: (rel: string) => boolean = () => false): Promise<Map<string, TreeItem>> {
  const out = new Map<string, TreeItem>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(path);
      const item: TreeItem = { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other', size: st.size, mtimeSec: Math.floor(st.mtimeMs / 1000) };
      if (item.type === 'file' && !skip(r)) item.sha256 = await sha256File(path);
      if (item.type === 'link') item.target = await readlink(path);
      out.set(r, item);
      if (item.type === 'dir') await walk(path, r);
    }
  };
  await walk(root, '');
  return out;
}

/** Mount points at or below `dir` in this process's mount table. */
export async function mountsBelow(dir: string): Promise<string[]> {
  return (await readMountInfo()).map((e) => e.mountPoint).filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/** The pid of the vizor-isofs serving `mountPoint`, found by its command line. */
export async function helperPid(helper: string, mountPoint: string): Promise<number | null> {
  const want = `${helper}\0${mountPoint}\0`;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline === want) return Number(name);
  }
  return null;
}

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An `open` callback for IsoMountManager.acquire over a local image; counts its calls. */
export function localSource(iso: string): { open: () => Promise<IsoMountSource>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    open: async () => {
      calls++;
      const image = await openImageFile(iso);
      return { image, backing: { kind: 'file', path: iso }, release: () => image.close() };
    },
  };
}
