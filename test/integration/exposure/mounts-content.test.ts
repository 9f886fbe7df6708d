// What a vizor-isofs mount shows, checked against an independent extraction by 7-Zip
// (every file's bytes, size and time), against vizor's own reader (listings, stat) and
// against the test-media manifest (link targets, ranges of a 4.7 GB sparse file).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, chmod, lstat, mkdir, mkdtemp, open, readdir, readlink, rename, rm, stat, symlink, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsoMountManager } from '../../../src/exposure/mounts/index.js';
import { openImageFile, type MediaImage } from '../../../src/media/index.js';
import { testImagePath, testMediaManifest } from '../../helpers/media.js';
import { digestTree, extract7z, list7z, localSource, mountsBelow, requireFuse, type TreeItem } from './mounts-support.js';

let work: string;
let manager: IsoMountManager;
const mounted = new Map<string, string>();

before(async () => {
  await requireFuse();
  work = await mkdtemp(join(tmpdir(), 'vizor-mounts-'));
  await chmod(work, 0o755); // smbd's per-user processes must reach the mounts
  manager = new IsoMountManager({ mountRoot: join(work, 'mnt'), method: 'fuse' });
  for (const name of ['win10', 'joliet-rr', 'win11-big']) {
    const m = await manager.acquire(name, 'content-test', localSource(await testImagePath(`${name}.iso`)).open);
    assert.deepEqual(m.skipped, [], `${name}: nothing skipped`);
    assert.equal(m.method, 'fuse');
    mounted.set(name, m.path);
  }
});

after(async () => {
  await manager?.closeAll();
  if (work) {
    assert.deepEqual(await mountsBelow(work), [], 'closeAll leaves no mount behind');
    assert.deepEqual(await readdir(join(work, 'mnt')), [], 'closeAll removes the mount folders');
    await rm(work, { recursive: true, force: true });
  }
});

/** Compares a mount with 7-Zip's extraction: every path, type, size, time and hash. */
async function compareWith7z(image: string, links: Map<string, string>): Promise<void> {
  const iso = await testImagePath(`${image}.iso`);
  const dest = join(work, `7z-${image}`);
  await extract7z(iso, dest);
  const want = await digestTree(dest);
  const got = await digestTree(mounted.get(image)!);
  assert.ok(want.size > 10, `7-Zip extracted ${want.size} entries`);
  for (const [path, w] of want) {
    const g = got.get(path);
    assert.ok(g, `${image}: ${path} is missing from the mount`);
    if (g.type === 'link') {
      // 7-Zip writes Rock Ridge symbolic links as empty files; the target comes from the builder.
      assert.equal(w.size, 0, path);
      assert.equal(g.target, links.get(path), `${path}: link target`);
      continue;
    }
    assert.equal(g.type, w.type, `${path}: type`);
    if (w.type !== 'file') continue;
    assert.deepEqual({ size: g.size, sha256: g.sha256, mtime: g.mtimeSec }, { size: w.size, sha256: w.sha256, mtime: w.mtimeSec }, `${image}: ${path}`);
  }
  const extra = [...got.keys()].filter((p) => !want.has(p));
  // Rock Ridge's rr_moved holds relocated deep directories; vizor (like the kernel's isofs)
  // lists the folder itself, empty, where 7-Zip leaves it out.
  for (const p of extra) assert.deepEqual([p, got.get(p)!.type, await readdir(join(mounted.get(image)!, p))], ['rr_moved', 'dir', []], `${image}: unexpected ${p}`);
}

/** Every listing and stat of the mount equals what vizor's reader says of the image. */
async function compareWithReader(image: MediaImage, mount: string): Promise<number> {
  const rootTime = (await image.stat('/')).node.mtime?.getTime() ?? 0;
  let checked = 0;
  const visit = async (path: string): Promise<void> => {
    const entries = await image.list(path);
    const names = (await readdir(join(mount, path))).sort();
    assert.deepEqual(names, entries.map((e) => e.name).sort(), `listing of ${path}`);
    for (const e of entries) {
      const st = await lstat(join(mount, e.path));
      const link = (e.node as { symlinkTarget?: string | null }).symlinkTarget;
      if (link) {
        assert.ok(st.isSymbolicLink(), e.path);
        assert.equal(await readlink(join(mount, e.path)), link, e.path);
        continue;
      }
      assert.equal(st.mtimeMs, e.node.mtime?.getTime() ?? rootTime, `${e.path}: mtime`);
      if (e.node.isDirectory) {
        assert.ok(st.isDirectory(), e.path);
        assert.equal(st.mode & 0o777, 0o555, `${e.path}: mode`);
        await visit(e.path);
      } else {
        assert.ok(st.isFile(), e.path);
        assert.deepEqual([st.size, st.mode & 0o777, st.uid], [e.node.size, 0o444, 0], `${e.path}: size, mode, owner`);
      }
      checked++;
    }
  };
  await visit('/');
  return checked;
}

describe('a vizor-isofs mount', () => {
  test('win10.iso (UDF bridge): every file matches 7-Zip', async () => compareWith7z('win10', new Map()));

  test('joliet-rr.iso (Rock Ridge view): every file matches 7-Zip, links point where the builder made them', async () => {
    const manifest = await testMediaManifest();
    const links = new Map(manifest.images['joliet-rr.iso']!.entries.filter((e) => e.type === 'symlink').map((e) => [e.path, e.target!]));
    assert.equal(links.size, 2);
    await compareWith7z('joliet-rr', links);
  });

  for (const name of ['win10', 'joliet-rr']) {
    test(`${name}.iso: listings, sizes, modes and times equal vizor's reader`, async () => {
      const image = await openImageFile(await testImagePath(`${name}.iso`));
      try {
        assert.ok((await compareWithReader(image, mounted.get(name)!)) > 20);
      } finally {
        await image.close();
      }
    });
  }

  test('win11-big.iso (4.7 GB sparse): sizes match 7-Zip, small files match, ranges of install.wim match', async () => {
    const iso = await testImagePath('win11-big.iso');
    const mount = mounted.get('win11-big')!;
    const sizes = await list7z(iso);
    const tree = await digestTree(mount, (p) => p === 'sources/install.wim');
    const files = [...tree].filter(([, t]) => t.type === 'file');
    assert.deepEqual(new Map(files.map(([p, t]) => [p, t.size])), sizes);
    const dest = join(work, '7z-win11-big');
    await extract7z(iso, dest, ['sources/install.wim']);
    const small = await digestTree(dest);
    for (const [p, t] of small) if (t.type === 'file') assert.equal(tree.get(p)?.sha256, t.sha256, p);
    const big = (await testMediaManifest()).images['win11-big.iso']!.largeFiles as { path: string; size: number; ranges: { offset: number; length: number; sha256: string }[] }[];
    const wim = big.find((f) => f.path === 'sources/install.wim')!;
    assert.ok(wim.size > 2 ** 32, 'the file is over 4 GiB');
    assert.equal((tree.get('sources/install.wim') as TreeItem).size, wim.size);
    const fh = await open(join(mount, wim.path), 'r');
    try {
      for (const r of wim.ranges) {
        const buf = Buffer.alloc(r.length);
        const { bytesRead } = await fh.read(buf, 0, r.length, r.offset);
        assert.equal(bytesRead, r.length);
        assert.equal(createHash('sha256').update(buf).digest('hex'), r.sha256, `range at ${r.offset}`);
      }
      const tail = Buffer.alloc(100);
      assert.equal((await fh.read(tail, 0, 100, wim.size - 10)).bytesRead, 10, 'a read past the end stops at the end');
    } finally {
      await fh.close();
    }
  });

  test('other users can read it (allow_other), as smbd serving a build account does', () => {
    const file = join(mounted.get('win10')!, 'sources', 'lang.ini');
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 10);
    const denied = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'touch', file], { encoding: 'utf8' });
    assert.match(denied.stderr, /Read-only file system|Permission denied/);
  });

  test('every write fails with EROFS', async () => {
    const root = mounted.get('win10')!;
    const existing = join(root, 'README.TXT');
    const attempts: [string, () => Promise<unknown>][] = [
      ['create a file', () => writeFile(join(root, 'new.txt'), 'x')],
      ['append', () => appendFile(existing, 'x')],
      ['open for writing', () => open(existing, 'r+')],
      ['truncate', () => truncate(existing, 0)],
      ['mkdir', () => mkdir(join(root, 'newdir'))],
      ['unlink', () => unlink(existing)],
      ['rename', () => rename(existing, join(root, 'moved.txt'))],
      ['chmod', () => chmod(existing, 0o666)],
      ['utimes', () => utimes(existing, new Date(), new Date())],
      ['symlink', () => symlink('README.TXT', join(root, 'l'))],
    ];
    for (const [what, attempt] of attempts) await assert.rejects(attempt(), (e: NodeJS.ErrnoException) => e.code === 'EROFS', what);
    assert.equal((await stat(existing)).size, 135, 'the file is unchanged');
  });
});
