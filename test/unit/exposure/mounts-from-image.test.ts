// manifestFromImage over a fake image: what the kernel cannot show is skipped with its
// subtree and reported, links keep their targets, extents are trimmed for the helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageEntry, MediaImage, MediaNode } from '../../../src/media/index.js';
import { manifestFromImage } from '../../../src/exposure/mounts/index.js';

const T = new Date('2023-11-14T22:13:20Z');
const dir = (mtime: Date | null = T): MediaNode => ({ isDirectory: true, size: 2048, mtime, extents: [{ kind: 'data', sourceOffset: 0, length: 2048 }] });
const file = (size: number, extents: MediaNode['extents'], mtime: Date | null = T): MediaNode => ({ isDirectory: false, size, mtime, extents });
const entry = (path: string, node: MediaNode): ImageEntry => ({ path, name: path.slice(path.lastIndexOf('/') + 1), node });

function fakeImage(entries: ImageEntry[]): MediaImage {
  const fake = {
    source: { size: 1 << 20 },
    stat: async (p: string) => (p === '/' ? entry('/', dir(new Date(1000))) : assert.fail(`unexpected stat ${p}`)),
    walk: async function* () {
      yield* entries;
    },
  };
  return fake as unknown as MediaImage;
}

test('skips what Linux cannot name, with subtrees, and keeps the rest', async () => {
  const long = 'n'.repeat(256);
  const image = fakeImage([
    entry('/a', dir()),
    entry('/a', dir()), // a second "a" in the same directory
    // a reader could hand out a name holding "/" (UDF allows it)
    { path: '/bad%2Fslash', name: 'bad/slash', node: file(1, [{ kind: 'data', sourceOffset: 0, length: 1 }]) },
    entry(`/${long}`, dir()),
    entry('/link', { ...file(0, []), symlinkTarget: 'a/x' } as MediaNode),
    entry('/a/x', file(3, [{ kind: 'zero', length: 0 }, { kind: 'inline', data: Buffer.from('abcdef'), length: 3 }], null)),
    entry(`/${long}/child`, file(0, [])),
    entry(`/${long}/deeper`, dir()),
    entry(`/${long}/deeper/leaf`, file(0, [])),
  ]);
  const { manifest, skipped } = await manifestFromImage(image, 'k', { kind: 'file', path: '/x.iso' });
  assert.deepEqual(skipped, [
    { path: '/a', reason: 'duplicate name in its directory' },
    { path: '/bad%2Fslash', reason: 'name contains "/" or NUL' },
    { path: `/${long}`, reason: 'name longer than 255 bytes' },
  ]);
  assert.equal(manifest.backingSize, 1 << 20);
  assert.equal(manifest.rootMtimeMs, 1000);
  assert.deepEqual(manifest.nodes, [
    { kind: 'dir', parent: 0, name: 'a', mtimeMs: T.getTime() },
    { kind: 'link', parent: 0, name: 'link', mtimeMs: T.getTime(), target: 'a/x' },
    // no mtime: the root's; the empty extent dropped; inline bytes cut to the extent's length
    { kind: 'file', parent: 1, name: 'x', mtimeMs: 1000, size: 3, extents: [{ kind: 'inline', data: Buffer.from('abc'), length: 3 }] },
  ]);
});
