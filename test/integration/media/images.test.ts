// Reads every test image through the whole media stack (MediaImage + inspectImage) and
// checks it against what the builder put in: file bytes, file systems, boot entries,
// media kind, editions (against wimlib-imagex) and how few bytes were read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inspectImage, openImageFile, type MediaImage, type MediaKind, type InspectReport } from '../../../src/media/index.js';
import { testMediaDir, testMediaManifest, type TestMediaManifest } from '../../helpers/media.js';
import { wimlib, parseImages, asWimlibPrints } from '../../helpers/wimlib.js';

type ImageSpec = TestMediaManifest['images'][string];
const MiB = 1024 * 1024;
const manifest = await testMediaManifest();
const media = await testMediaDir();

const KIND: Record<string, MediaKind> = {
  windows: 'windows-install',
  'windows-langpack': 'windows-langpack',
  'guest-tools': 'guest-tools',
  drivers: 'guest-tools',
  debian: 'linux-installer',
  rhel: 'linux-installer',
  generic: 'other',
};

async function sha256Of(image: MediaImage, path: string): Promise<{ sha: string; size: number }> {
  const file = await image.openFile(path);
  const h = createHash('sha256');
  for await (const chunk of image.stream(file)) h.update(chunk);
  return { sha: h.digest('hex'), size: file.node.size };
}

async function withImage<T>(name: string, fn: (image: MediaImage) => Promise<T>): Promise<T> {
  const image = await openImageFile(join(media, name));
  try {
    return await fn(image);
  } finally {
    await image.close();
  }
}

function bootExpectations(spec: ImageSpec): { platform: string; emulation: string; image: string; loadSectors?: number }[] {
  return (spec.boot as { platform: string; emulation: string; image: string; loadSectors?: number }[] | undefined) ?? [];
}

const smallImages = Object.entries(manifest.images).filter(([name]) => name !== 'win11-big.iso');

for (const [name, spec] of smallImages) {
  describe(name, () => {
    test('every file of the source tree reads back byte-exact through the preferred view', async () => {
      await withImage(name, async (image) => {
        const patched = /(\S+) in the ISO differs from the tree copy/.exec(String(spec.notes ?? ''))?.[1];
        let files = 0;
        for (const e of spec.entries) {
          if (e.type === 'dir') {
            const hit = await image.find(e.path);
            assert.ok(hit?.node.isDirectory, `${e.path} is a directory in the image`);
            continue;
          }
          if (e.type === 'symlink') {
            assert.ok(await image.find(e.path), `${e.path} (symlink) is listed`);
            continue;
          }
          if (e.path === patched) continue; // -boot-info-table rewrote bytes 8–63 of this file in the ISO
          const got = await sha256Of(image, e.path);
          assert.equal(got.size, e.size, `${e.path} size`);
          assert.equal(got.sha, e.sha256, `${e.path} sha256`);
          files++;
        }
        assert.ok(files > 0);
      });
    });

    test('file systems present, preferred view and volume label', async () => {
      await withImage(name, async (image) => {
        assert.deepEqual(image.fileSystems.map((f) => f.kind).sort(), [...(spec.filesystems as string[])].sort());
        const expectPreferred = (spec.filesystems as string[]).includes('udf') ? 'udf' : 'rockridge';
        assert.equal(image.fs.kind, expectPreferred);
        assert.equal(image.label.trim(), spec.label);
        const visible = spec.iso9660Visible as string[] | undefined;
        if (visible) {
          // Windows-style media: the ISO 9660 side shows only README.TXT; UDF holds the rest.
          const iso = image.view('iso9660')!;
          const root = await iso.readDir(await iso.resolve(iso.rootRef));
          assert.deepEqual(root.map((e) => e.name), visible);
          const viaIso = await image.find('README.TXT', iso);
          const viaUdf = await image.find('README.TXT');
          assert.ok(viaIso && viaUdf);
          assert.equal(viaIso.node.size, viaUdf.node.size);
        }
      });
    });

    test('inspect: kind, boot entries at their files, and under 2 MiB read', async () => {
      const report: InspectReport = await withImage(name, (image) => inspectImage(image));
      assert.equal(report.kind, KIND[spec.kind], `kind of ${name}`);
      assert.ok(report.bytesRead < 2 * MiB, `${name}: inspect read ${report.bytesRead} bytes`);
      const expected = bootExpectations(spec);
      if (expected.length === 0) return;
      assert.ok(report.boot, 'boot catalog found');
      assert.equal(report.boot.entries.length, expected.length);
      await withImage(name, async (image) => {
        for (const [i, want] of expected.entries()) {
          const got = report.boot!.entries[i]!;
          assert.equal(got.platform, want.platform === 'bios' ? 'x86' : want.platform);
          assert.equal(got.mediaType, want.emulation === 'none' ? 'no-emulation' : want.emulation);
          if (want.loadSectors) assert.equal(got.sectorCount, want.loadSectors);
          const file = await image.openFile(want.image);
          const first = file.node.extents[0]!;
          assert.equal(first.kind, 'data');
          assert.equal(got.loadLba * 2048, (first as { sourceOffset: number }).sourceOffset, `entry ${i} loads ${want.image}`);
        }
      });
    });

    const wims = (spec.wims as { path: string; copy?: string; images: number; part?: number; totalParts?: number }[] | undefined) ?? [];
    const install = wims.find((w) => /install\d*\.(wim|esd|swm)$/i.test(w.path) && !/install2/.test(w.path));
    if (install?.copy) {
      test(`editions of ${install.path} read through the ISO match wimlib-imagex info field for field`, async () => {
        const report = await withImage(name, (image) => inspectImage(image));
        assert.equal(report.windows?.error, null);
        const ours = report.windows!.editions.map(asWimlibPrints);
        const theirs = parseImages(await wimlib('info', join(media, install.copy!)));
        assert.equal(ours.length, install.images);
        assert.deepEqual(ours, theirs);
        if (install.totalParts) {
          assert.equal(report.windows!.installImage!.partNumber, install.part);
          assert.equal(report.windows!.installImage!.totalParts, install.totalParts);
        }
      });
    }
  });
}

describe('win11-big.iso (install.wim larger than 4 GiB)', () => {
  const spec = manifest.images['win11-big.iso']!;
  const big = (spec.largeFiles as { path: string; copy: string; size: number; ranges: { offset: number; length: number; sha256: string }[] }[])[0]!;

  test('editions are read with less than 1 MiB of I/O and match wimlib-imagex', async () => {
    const report = await withImage('win11-big.iso', (image) => inspectImage(image));
    assert.ok(report.bytesRead < MiB, `read ${report.bytesRead} bytes`);
    assert.equal(report.windows!.installImage!.size, big.size);
    assert.deepEqual(report.windows!.editions.map(asWimlibPrints), parseImages(await wimlib('info', join(media, big.copy))));
  });

  test('byte ranges at the start, across 4 GiB and at the end match the original WIM', async () => {
    await withImage('win11-big.iso', async (image) => {
      const file = await image.openFile('SOURCES/INSTALL.WIM');
      assert.equal(file.path, '/sources/install.wim', 'case-insensitive lookup gives the canonical path');
      assert.equal(file.node.size, big.size);
      assert.ok(file.node.extents.length > 1, `made of ${file.node.extents.length} extents`);
      const lastData = [...file.node.extents].reverse().find((e) => e.kind === 'data') as { sourceOffset: number } | undefined;
      assert.ok(lastData && lastData.sourceOffset > 2 ** 32, 'extents reach beyond 4 GiB in the image');
      for (const r of big.ranges) {
        const h = createHash('sha256');
        for await (const chunk of image.stream(file, r.offset, r.offset + r.length)) h.update(chunk);
        assert.equal(h.digest('hex'), r.sha256, `range at ${r.offset}`);
      }
    });
  });
});

describe('real Debian ISOs nobody here wrote', () => {
  const real = [
    { path: '/usr/lib/ipxe/ipxe.iso', pkg: 'ipxe', platforms: ['x86', 'uefi'] },
    { path: '/usr/lib/grub-rescue/grub-rescue-cdrom.iso', pkg: 'grub-rescue-pc', platforms: ['x86'] },
  ];
  for (const r of real) {
    test(`${r.path} (${r.pkg}) inspects with its boot entries`, async () => {
      let image: MediaImage;
      try {
        image = await openImageFile(r.path);
      } catch (err) {
        throw new Error(`cannot read ${r.path}: install the Debian package ${r.pkg} (${(err as Error).message})`);
      }
      try {
        const report = await inspectImage(image);
        assert.equal(report.kind, 'other');
        assert.deepEqual(report.boot?.entries.map((e) => e.platform), r.platforms);
        assert.ok(report.boot!.entries.every((e) => e.bootable && e.mediaType === 'no-emulation'));
        assert.ok(report.bytesRead < 2 * MiB);
        assert.ok((await image.list('/')).length > 0);
      } finally {
        await image.close();
      }
    });
  }
});
