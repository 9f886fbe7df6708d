import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaFileSystem } from '../../../../src/media/filesystem.js';
import { FileSource } from '../../../../src/media/source.js';
import { openIso9660, readElTorito, type IsoOpenResult } from '../../../../src/media/iso9660/iso9660.js';
import { cleanName } from '../../../../src/media/iso9660/record.js';
import type { IsoNode } from '../../../../src/media/iso9660/view.js';
import {
  XORRISO_EMULATION, XORRISO_PLATFORM, requireTool, run, runBinary, sha256, tempDir, walkDisk, walkView, xorrisoElTorito,
  type Walked,
} from './tools.js';

const EMOJI_NAME = 'rocket-🚀.txt';
/** 240 characters: more than fits in one record's System Use area, so the NM entry needs a CE continuation. */
const HUGE_NAME = `huge-${'n'.repeat(231)}.txt`;
/** Names the mastering tools cannot keep in Joliet (outside UCS-2, longer than 103): checked by content. */
const JOLIET_MANGLED = [EMOJI_NAME, HUGE_NAME];
const DEEP = 'd1/d2/d3/d4/d5/d6/d7/d8/d9/d10';

/** A source tree with the awkward cases: long, Unicode and extension-less names, deep nesting, 300 files, symlinks. */
function buildTree(root: string): void {
  mkdirSync(join(root, DEEP), { recursive: true });
  writeFileSync(join(root, DEEP, 'deep.txt'), 'deep\n');
  writeFileSync(join(root, 'small.txt'), 'hello\n');
  writeFileSync(join(root, 'README'), 'no extension\n');
  writeFileSync(join(root, 'a file name that is much longer than thirty-one characters.txt'), 'long\n');
  writeFileSync(join(root, 'Grüße-日本語-ÆØÅ.txt'), 'unicode\n');
  writeFileSync(join(root, EMOJI_NAME), 'emoji\n');
  writeFileSync(join(root, HUGE_NAME), 'huge\n');
  writeFileSync(join(root, 'empty.dat'), '');
  writeFileSync(join(root, 'random.bin'), randomBytes(3 * 1024 * 1024 + 17));
  mkdirSync(join(root, 'many'));
  for (let i = 0; i < 300; i++) writeFileSync(join(root, 'many', `file-${String(i).padStart(3, '0')}.txt`), `file ${i}\n`);
  symlinkSync('small.txt', join(root, 'link-to-small'));
  symlinkSync('many', join(root, 'link-to-dir'));
  mkdirSync(join(root, 'boot'));
  writeFileSync(join(root, 'boot', 'boot.img'), randomBytes(4 * 2048));
  run('mkfs.fat', ['-C', '-n', 'EFIBOOT', join(root, 'boot', 'efi.img'), '1440']);
}

/** Compares two walked trees path by path, so a failure names the path rather than dumping both. */
function assertSameTree(got: Map<string, Walked>, want: Map<string, Walked>, withSymlinksAndTimes: boolean): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [path, w] of want) {
    const g = got.get(path)!;
    assert.deepEqual([g.isDirectory, g.size, g.sha256], [w.isDirectory, w.size, w.sha256], path);
    if (withSymlinksAndTimes) {
      assert.equal(g.symlinkTarget, w.symlinkTarget, `${path} symlink`);
      if (!w.isDirectory) assert.equal(g.mtimeSec, w.mtimeSec, `${path} mtime`);
    }
  }
}

interface Built {
  iso: string;
  opened: IsoOpenResult;
  source: FileSource;
}

const makers: Record<string, (src: string, iso: string) => void> = {
  genisoimage: (src, iso) =>
    void run('genisoimage', [
      '-quiet', '-J', '-R', '-joliet-long', '-iso-level', '3', '-input-charset', 'utf-8', '-V', 'VIZOR TEST',
      '-A', 'VIZOR APP', '-publisher', 'VIZOR PUB', '-b', 'boot/boot.img', '-no-emul-boot', '-boot-load-size', '4',
      '-eltorito-alt-boot', '-e', 'boot/efi.img', '-no-emul-boot', '-o', iso, src,
    ]),
  xorriso: (src, iso) =>
    void run('xorriso', [
      '-as', 'mkisofs', '-quiet', '-J', '-R', '-joliet-long', '-iso-level', '3', '-V', 'VIZOR TEST',
      '-A', 'VIZOR APP', '-publisher', 'VIZOR PUB', '-b', 'boot/boot.img', '-no-emul-boot', '-boot-load-size', '4',
      '-eltorito-alt-boot', '-e', 'boot/efi.img', '-no-emul-boot', '-o', iso, src,
    ]),
};

const view = (b: Built, kind: string): MediaFileSystem => {
  const fs = b.opened.fileSystems.find((f) => f.kind === kind);
  assert.ok(fs, `${kind} view present`);
  return fs;
};

/** The boot catalog file the mastering tool adds; present in the image, absent from the source. */
function dropCatalog(tree: Map<string, Walked>): Map<string, Walked> {
  for (const k of [...tree.keys()]) if (/^boot\.(cat|catalog)$/i.test(k)) tree.delete(k);
  return tree;
}

for (const [maker, make] of Object.entries(makers)) {
  describe(`${maker} -J -R -iso-level 3 image`, () => {
    let dir = '';
    let src = '';
    let disk = new Map<string, Walked>();
    let b: Built;

    before(async () => {
      requireTool(maker, maker === 'xorriso' ? 'xorriso' : 'genisoimage');
      requireTool('mkfs.fat', 'dosfstools');
      requireTool('isoinfo', 'genisoimage');
      dir = tempDir();
      src = join(dir, 'src');
      buildTree(src);
      disk = walkDisk(src);
      const iso = join(dir, 't.iso');
      make(src, iso);
      const source = await FileSource.open(iso);
      const opened = await openIso9660(source);
      assert.ok(opened);
      b = { iso, opened, source };
    });
    after(async () => {
      await b?.source.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('volume info', () => {
      const { info, fileSystems } = b.opened;
      assert.deepEqual(fileSystems.map((f) => f.kind), ['iso9660', 'rockridge', 'joliet']);
      assert.deepEqual(b.opened.warnings, []);
      assert.deepEqual(
        [info.volumeId, info.applicationId, info.publisherId, info.blockSize, info.hasJoliet, info.hasRockRidge, info.udfVrs],
        ['VIZOR TEST', 'VIZOR APP', 'VIZOR PUB', 2048, true, true, []],
      );
      assert.equal(info.volumeSpaceBlocks * 2048, b.source.size);
      assert.ok(info.created && Math.abs(info.created.getTime() - Date.now()) < 3600_000, 'creation date is recent');
    });

    test('Rock Ridge view equals the source tree: names, types, sizes, SHA-256, symlinks, mtimes', async () => {
      const rr = dropCatalog(await walkView(view(b, 'rockridge'), b.source));
      // genisoimage relocates directories deeper than 8; the RE copy under rr_moved is hidden.
      if (rr.has('rr_moved')) {
        assert.equal([...rr.keys()].filter((k) => k.startsWith('rr_moved/')).length, 0, 'rr_moved lists nothing');
        rr.delete('rr_moved');
      }
      assertSameTree(rr, disk, true);
      assert.equal(rr.get(`${DEEP}/deep.txt`)?.size, 5);
      assert.equal(rr.get('link-to-dir')?.isDirectory, false);
    });

    test('Joliet view equals the source tree (symlinks absent or empty files)', async () => {
      const joliet = dropCatalog(await walkView(view(b, 'joliet'), b.source));
      for (const name of JOLIET_MANGLED) {
        const matches = [...joliet.keys()].filter((k) => k.startsWith(name.slice(0, 7)));
        assert.equal(matches.length, 1, name);
        assert.equal(joliet.get(matches[0]!)!.sha256, disk.get(name)!.sha256, name);
        joliet.delete(matches[0]!);
      }
      const expected = new Map<string, Walked>();
      for (const [path, w] of disk) {
        if (JOLIET_MANGLED.includes(path)) continue;
        // Joliet cannot express symlinks: genisoimage writes empty files, libisofs leaves them out.
        if (w.symlinkTarget !== null) {
          const got = joliet.get(path);
          if (got) assert.deepEqual([got.isDirectory, got.size], [false, 0], path);
          joliet.delete(path);
          continue;
        }
        expected.set(path, w);
      }
      assertSameTree(joliet, expected, false);
    });

    test('plain ISO 9660 names match isoinfo -f, contents match the source files', async () => {
      const plain = await walkView(view(b, 'iso9660'), b.source);
      const listed = run('isoinfo', ['-f', '-i', b.iso]).split('\n').filter(Boolean);
      const oracle = listed.map((p) => p.slice(1).split('/').map(cleanName).join('/'));
      assert.deepEqual([...plain.keys()].sort(), oracle.sort());
      const hashes = (m: Map<string, Walked>) => [...m.values()].filter((w) => w.size > 0).map((w) => w.sha256).sort();
      assert.deepEqual(hashes(dropCatalog(plain)), hashes(disk));
      for (const raw of listed.filter((p) => /SMALL|README|RANDOM/.test(p))) {
        const ours = plain.get(raw.slice(1).split('/').map(cleanName).join('/'))!;
        assert.equal(sha256(runBinary('isoinfo', ['-i', b.iso, '-x', raw])), ours.sha256, raw);
      }
    });

    test('a 300-file directory spans several sectors and lists fully in every view', async () => {
      for (const kind of ['iso9660', 'rockridge', 'joliet']) {
        const fs = view(b, kind);
        const root = await fs.resolve(fs.rootRef);
        const many = (await fs.readDir(root)).find((e) => e.name.toLowerCase() === 'many')!;
        const node = await fs.resolve(many.ref);
        assert.ok(node.size > 2048, `${kind}: directory is ${node.size} bytes`);
        assert.equal((await fs.readDir(node)).length, 300, kind);
      }
    });

    test('El Torito BIOS + UEFI entries agree with xorriso and point at the boot files', async () => {
      const report = xorrisoElTorito(b.iso);
      assert.equal(b.opened.info.bootCatalogLba, report.catalogLba);
      const cat = await readElTorito(b.source, b.opened.info.bootCatalogLba!);
      assert.equal(cat.entries.length, 2);
      const [bios, efi] = cat.entries;
      assert.deepEqual([bios!.platform, bios!.mediaType, bios!.sectorCount, bios!.bootable], ['x86', 'no-emulation', 4, true]);
      assert.deepEqual([efi!.platform, efi!.mediaType, efi!.bootable], ['uefi', 'no-emulation', true]);
      assert.deepEqual(
        cat.entries.map((e) => ({
          platform: XORRISO_PLATFORM[e.platform], bootable: e.bootable, emulation: XORRISO_EMULATION[e.mediaType],
          loadSegment: e.loadSegment, systemType: e.systemType, loadSize: e.sectorCount, lba: e.loadLba,
        })),
        report.images.map((r) => ({ ...r, loadSegment: r.loadSegment || 0x7c0 })),
      );
      const rr = view(b, 'rockridge');
      const bootDir = (await rr.readDir(await rr.resolve(rr.rootRef))).find((e) => e.name === 'boot')!;
      const files = await rr.readDir(await rr.resolve(bootDir.ref));
      const lbaOf = async (name: string) => {
        const node = (await rr.resolve(files.find((e) => e.name === name)!.ref)) as IsoNode;
        const first = node.extents[0]!;
        return first.kind === 'data' ? first.sourceOffset / 2048 : -1;
      };
      assert.equal(bios!.loadLba, await lbaOf('boot.img'));
      assert.equal(efi!.loadLba, await lbaOf('efi.img'));
    });
  });
}
