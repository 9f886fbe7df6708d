// Compares what vizor reads from every WIM/ESD/SWM the test-media builder makes with what
// wimlib-imagex (the reference implementation) prints for the same file.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSource } from '../../../../src/media/source.js';
import { readWimSourceInfo, type WimDescription } from '../../../../src/media/wim/index.js';
import { wimlib, parseBlock, parseImages, parseHeader, asWimlibPrints, headerAsWimlibPrints } from '../../../helpers/wimlib.js';
import { testMediaDir, testMediaManifest, type TestMediaManifest } from '../../../helpers/media.js';

interface Case {
  name: string;
  path: string;
  ours: WimDescription;
  bytesRead: number;
  info: string;
  header: string;
}

describe('WIM reader agrees with wimlib-imagex on every test WIM', () => {
  const cases: Case[] = [];
  let manifest: TestMediaManifest;

  before(async () => {
    const dir = await testMediaDir();
    manifest = await testMediaManifest();
    const names = (await readdir(join(dir, 'wims'))).sort();
    for (const name of names) {
      const path = join(dir, 'wims', name);
      const source = await FileSource.open(path);
      let ours: WimDescription;
      try {
        ours = await readWimSourceInfo(source);
      } finally {
        await source.close();
      }
      cases.push({ name, path, ours, bytesRead: source.bytesRead, info: await wimlib('info', path), header: await wimlib('info', path, '--header') });
    }
  });

  test('the builder made every kind of WIM: normal, boot, solid ESD, split parts, > 4 GiB', () => {
    assert.deepEqual(
      cases.map((c) => c.name),
      ['split-install.swm', 'split-install2.swm', 'win10-boot.wim', 'win10-install.wim', 'win11-big-install.wim', 'win11-boot.wim', 'win11-install.esd'],
    );
    assert.deepEqual(Object.keys(manifest.wims).sort(), cases.map((c) => c.name));
  });

  test('editions match `wimlib-imagex info` field for field', () => {
    for (const c of cases) {
      const theirs = parseImages(c.info);
      assert.equal(c.ours.xml.editions.length, theirs.length, `${c.name}: image count`);
      c.ours.xml.editions.forEach((e, i) => {
        const expected = theirs[i]!;
        assert.deepEqual(Object.fromEntries(asWimlibPrints(e)), Object.fromEntries(expected), `${c.name} image ${i + 1}`);
      });
    }
  });

  test('header fields match `wimlib-imagex info --header`', () => {
    for (const c of cases) {
      const { fields, flags } = parseHeader(c.header);
      assert.deepEqual(Object.fromEntries(headerAsWimlibPrints(c.ours.header)), Object.fromEntries(fields), c.name);
      const h = c.ours.header;
      const ourFlags = new Set<string>();
      if (h.compression !== 'none') ourFlags.add('WIM_HDR_FLAG_COMPRESSION');
      if (h.readOnly) ourFlags.add('WIM_HDR_FLAG_READONLY');
      if (h.spanned) ourFlags.add('WIM_HDR_FLAG_SPANNED');
      if (h.writeInProgress) ourFlags.add('WIM_HDR_FLAG_WRITE_IN_PROGRESS');
      if (h.rpFix) ourFlags.add('WIM_HDR_FLAG_RP_FIX');
      if (h.compression === 'xpress') ourFlags.add('WIM_HDR_FLAG_COMPRESS_XPRESS');
      if (h.compression === 'lzx') ourFlags.add('WIM_HDR_FLAG_COMPRESS_LZX');
      if (h.compression === 'lzms') ourFlags.add('WIM_HDR_FLAG_COMPRESS_LZMS');
      assert.deepEqual([...ourFlags].sort(), [...flags].sort(), `${c.name}: flags`);
      const summary = parseBlock(c.info.split('Available Images:')[0] ?? '');
      const compression = { none: 'None', xpress: 'XPRESS', lzx: 'LZX', lzms: 'LZMS', unknown: '?' }[h.compression];
      assert.equal(summary.get('Compression'), compression, `${c.name}: compression`);
      assert.equal(summary.get('Part Number'), `${h.partNumber}/${h.totalParts}`, `${c.name}: part`);
      assert.equal(summary.get('GUID'), `0x${h.guid}`, `${c.name}: GUID`);
    }
  });

  test('only the header and the XML resource are read', () => {
    for (const c of cases) assert.equal(c.bytesRead, 208 + c.ours.header.xml.size, c.name);
  });

  test('what the manifest promises about each WIM holds', () => {
    const byName = new Map(cases.map((c) => [c.name, c.ours]));
    const get = (n: string) => {
      const d = byName.get(n);
      assert.ok(d, n);
      return d;
    };
    const esd = get('win11-install.esd');
    assert.equal(esd.header.solid, true);
    assert.equal(esd.header.version, 0xe00);
    assert.deepEqual(esd.xml.editions.map((e) => e.architecture), ['x64', 'x64', 'arm64', 'x64']);
    assert.deepEqual(esd.xml.editions[1]?.languages, ['en-US', 'de-DE', 'fr-FR']);
    assert.equal(esd.xml.editions[3]?.installationType, 'Server');
    assert.equal(esd.xml.editions[0]?.displayName, null);
    const boot = get('win10-boot.wim');
    assert.equal(boot.header.bootIndex, 2);
    assert.equal(boot.xml.editions[1]?.name, 'Microsoft Windows Setup (amd64)');
    assert.deepEqual(get('win10-install.wim').xml.editions.map((e) => e.editionId), ['Education', 'Enterprise', 'Professional']);
    assert.deepEqual(
      [get('split-install.swm').header.partNumber, get('split-install2.swm').header.partNumber, get('split-install2.swm').header.totalParts],
      [1, 2, 2],
    );
    const big = get('win11-big-install.wim');
    assert.ok(big.header.xml.offset > 2 ** 32, `XML offset ${big.header.xml.offset} is beyond 4 GiB`);
    assert.equal(big.header.compression, 'none');
    assert.equal(manifest.wims['win11-big-install.wim']?.size, big.header.xml.offset + big.header.xml.size);
  });
});
