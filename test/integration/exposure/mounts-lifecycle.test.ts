// IsoMountManager's life cycle with real FUSE mounts: holders and idle unmount, a dead
// helper remounted, stale mounts of a crashed run cleaned, a crashed vizor leaking
// nothing, and the errors for a corrupted manifest, a changed image or a missing helper.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeManifest, IsoMountManager, manifestFromImage, MountError } from '../../../src/exposure/mounts/index.js';
import { openImageFile } from '../../../src/media/index.js';
import { testImagePath } from '../../helpers/media.js';
import { helperPid, localSource, mountsBelow, requireFuse, waitFor } from './mounts-support.js';

let work: string;
let helper: string;
let win10: string;
let jrr: string;
const managers: IsoMountManager[] = [];

function manager(root: string, idleMs = 60_000): IsoMountManager {
  const m = new IsoMountManager({ mountRoot: join(work, root), method: 'fuse', idleMs });
  managers.push(m);
  return m;
}

before(async () => {
  helper = await requireFuse();
  win10 = await testImagePath('win10.iso');
  jrr = await testImagePath('joliet-rr.iso');
  work = await mkdtemp(join(tmpdir(), 'vizor-mounts-life-'));
});

after(async () => {
  for (const m of managers) await m.closeAll().catch(() => undefined);
  if (work) {
    const left = await mountsBelow(work);
    await rm(work, { recursive: true, force: true });
    assert.deepEqual(left, [], 'no test leaves a mount behind');
  }
});

describe('IsoMountManager', () => {
  test('two holders share one mount; it goes only after both released it and idleMs passed', async () => {
    const m = manager('refs', 300);
    const src = localSource(win10);
    const a = await m.acquire('win10', 'build-1', src.open);
    const b = await m.acquire('win10', 'build-2', src.open);
    assert.equal(a.path, b.path);
    assert.equal(src.calls(), 1, 'the second holder reuses the mount');
    assert.deepEqual(m.holders('win10').sort(), ['build-1', 'build-2']);
    m.release('win10', 'build-1');
    await new Promise((r) => setTimeout(r, 900)); // three idle periods
    assert.equal(m.status('win10'), 'mounted');
    assert.deepEqual(await mountsBelow(a.path), [a.path], 'still mounted while build-2 holds it');
    assert.equal((await stat(join(a.path, 'README.TXT'))).size, 135);
    m.release('win10', 'build-2');
    await waitFor('the idle unmount', async () => (await mountsBelow(a.path)).length === 0);
    await waitFor('the mount folder to go', async () => !(await readdir(join(work, 'refs'))).includes('win10'));
    assert.equal(m.status('win10'), 'unmounted');
  });

  test('acquiring again within idleMs keeps the same mount', async () => {
    const m = manager('reuse', 60_000);
    const src = localSource(win10);
    const first = await m.acquire('win10', 'b1', src.open);
    m.release('win10', 'b1');
    const again = await m.acquire('win10', 'b2', src.open);
    assert.equal(again.path, first.path);
    assert.equal(src.calls(), 1);
    await m.closeAll();
    assert.deepEqual(await mountsBelow(first.path), []);
    await assert.rejects(m.acquire('win10', 'b3', src.open), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_CLOSED');
  });

  test('closeAll unmounts even while a file is held open (as smbd may hold one)', async () => {
    const m = manager('busy');
    const { path } = await m.acquire('win10', 'b1', localSource(win10).open);
    const fh = await open(join(path, 'sources', 'lang.ini'), 'r');
    const cwdHolder = spawn('sleep', ['30'], { cwd: join(path, 'boot'), stdio: 'ignore' });
    try {
      await m.closeAll();
      assert.deepEqual(await mountsBelow(join(work, 'busy')), [], 'detached from the tree at once');
      assert.equal(await helperPid(helper, path), null, 'the helper exited');
    } finally {
      cwdHolder.kill('SIGKILL');
      await fh.close().catch(() => undefined);
    }
  });

  test('a helper that dies leaves a dead mount that the next acquire replaces', async () => {
    const m = manager('dead');
    const src = localSource(win10);
    const { path } = await m.acquire('win10', 'b1', src.open);
    const pid = await helperPid(helper, path);
    assert.ok(pid, 'the helper process is found');
    process.kill(-pid, 'SIGKILL');
    await waitFor('the manager to notice', () => m.status('win10') === 'dead');
    await assert.rejects(stat(join(path, 'README.TXT')), (e: NodeJS.ErrnoException) => e.code === 'ENOTCONN');
    const again = await m.acquire('win10', 'b1', src.open);
    assert.equal(src.calls(), 2);
    assert.equal(m.status('win10'), 'mounted');
    assert.equal((await readFile(join(again.path, 'README.TXT'))).length, 135);
    assert.equal((await mountsBelow(path)).length, 1, 'one mount, not a dead one under a live one');
  });

  test('cleanStale removes a dead and a live mount of a crashed run, and empty folders', async () => {
    const crashed = manager('stale');
    const dead = await crashed.acquire('win10', 'b1', localSource(win10).open);
    const live = await crashed.acquire('joliet-rr', 'b1', localSource(jrr).open);
    const deadPid = (await helperPid(helper, dead.path))!;
    const livePid = (await helperPid(helper, live.path))!;
    process.kill(-deadPid, 'SIGKILL');
    await waitFor('a dead mount', async () => (await stat(dead.path).then(() => 'ok', (e: NodeJS.ErrnoException) => e.code)) === 'ENOTCONN');
    await mkdir(join(work, 'stale', 'left-over-empty'));
    await writeFile(join(work, 'stale', 'not-a-folder'), 'kept');
    const next = manager('stale'); // the next run, on the same folder
    const cleaned = await next.cleanStale();
    assert.deepEqual(cleaned.sort(), [live.path, dead.path].sort());
    assert.deepEqual(await mountsBelow(join(work, 'stale')), [], 'nothing under the mount root in mountinfo');
    assert.deepEqual(await readdir(join(work, 'stale')), ['not-a-folder'], 'empty folders removed, files kept');
    await waitFor('the orphaned live helper to exit', async () => (await helperPid(helper, live.path)) !== livePid);
    await crashed.closeAll(); // its mounts are gone already: nothing to do, nothing thrown
  });

  test('a crashed vizor leaks nothing: the helper unmounts when its parent dies', async () => {
    const root = join(work, 'crash');
    const script = join(work, 'crash.mjs');
    const api = new URL('../../../src/exposure/mounts/index.js', import.meta.url).href;
    const media = new URL('../../../src/media/index.js', import.meta.url).href;
    await writeFile(script, [
      `import { IsoMountManager } from ${JSON.stringify(api)};`,
      `import { openImageFile } from ${JSON.stringify(media)};`,
      `const m = new IsoMountManager({ mountRoot: ${JSON.stringify(root)}, method: 'fuse' });`,
      `const r = await m.acquire('win10', 'b', async () => { const image = await openImageFile(${JSON.stringify(win10)}); return { image, backing: { kind: 'file', path: ${JSON.stringify(win10)} }, release: () => image.close() }; });`,
      `console.log(r.path); setInterval(() => {}, 1000);`,
    ].join('\n'));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const path = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`mounting child exited ${code}`)));
    });
    assert.deepEqual(await mountsBelow(root), [path]);
    child.kill('SIGKILL');
    await waitFor('the orphaned helper to unmount', async () => (await mountsBelow(root)).length === 0);
  });

  test('a corrupted manifest is refused with a clear message and nothing is mounted', async () => {
    const image = await openImageFile(win10);
    const good = encodeManifest((await manifestFromImage(image, 'win10', { kind: 'file', path: win10 })).manifest);
    await image.close();
    const target = join(work, 'corrupt');
    await mkdir(target);
    const data = /^data (\d+) (\d+)$/m.exec(good)!;
    const firstDir = /^dir 0 \S+ (\S+)$/m.exec(good)!;
    const cases: [string, string, RegExp][] = [
      ['truncated', good.slice(0, good.length / 2), /no end line|truncated|extent lines/],
      ['an extent past the image', good.replace(data[0], `data ${data[1]} 99999999999`), /lies outside the backing/],
      ['a duplicate name', good.replace('\nend\n', `\ndir 0 0 ${firstDir[1]}\nend\n`), /duplicate name/],
      ['a bad escape', good.replace(/^(dir 0 \S+ )/m, '$1%G1'), /bad %-escape/],
      ['a "/" in a name', good.replace(/^(dir 0 \S+ )/m, '$1a%2F'), /not a valid file name/],
      ['a non-ASCII byte', good.replace('\nend\n', '\ndir 0 0 é\nend\n'), /not printable ASCII/],
      ['a wrong version', good.replace('vizor-isofs 1', 'vizor-isofs 2'), /expected "vizor-isofs 1"/],
    ];
    assert.equal(spawnSync(helper, ['--check'], { input: good }).status, 0, 'the untouched manifest is valid');
    for (const [what, text, message] of cases) {
      const r = spawnSync(helper, [target], { input: text, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2, `${what}: exit status (${r.stderr})`);
      assert.match(r.stderr, message, what);
      assert.match(r.stderr, /^vizor-isofs: /, `${what}: one prefixed line`);
    }
    assert.deepEqual(await mountsBelow(target), []);
  });

  test('an image that changed since it was read is MOUNT_BACKING; nothing is left behind', async () => {
    const m = manager('changed');
    const swapped = async () => {
      const image = await openImageFile(win10);
      return { image, backing: { kind: 'file' as const, path: jrr }, release: () => image.close() };
    };
    await assert.rejects(m.acquire('win10', 'b1', swapped), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_BACKING' && /changed since it was read/.test(e.message));
    assert.deepEqual(await mountsBelow(join(work, 'changed')), []);
    assert.deepEqual(await readdir(join(work, 'changed')), []);
    assert.equal(m.status('win10'), 'unmounted');
    // the same key mounts fine afterwards
    const ok = await m.acquire('win10', 'b1', localSource(win10).open);
    assert.equal((await readFile(join(ok.path, 'README.TXT'))).length, 135);
  });

  test('a missing helper and bad keys fail with their codes', async () => {
    const m = new IsoMountManager({ mountRoot: join(work, 'nohelper'), method: 'fuse', helperPath: join(work, 'no-such-vizor-isofs') });
    await assert.rejects(m.acquire('win10', 'b1', localSource(win10).open), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_HELPER_MISSING' && /apt-get install libfuse3-dev fuse3/.test(e.message) && /npm ci/.test(e.message));
    assert.deepEqual(await readdir(join(work, 'nohelper')), []);
    for (const key of ['../etc', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      await assert.rejects(m.acquire(key, 'b1', localSource(win10).open), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_INVALID', key);
    }
  });
});
