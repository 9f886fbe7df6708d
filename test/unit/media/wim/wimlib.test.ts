// Compares what vizor reads from every WIM/ESD/SWM the test-media builder makes with what
// wimlib-imagex (the reference implementation) prints for the same file.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileSource } from '../../../../src/media/source.js';
import { readWimSourceInfo, type WimDescription, type WimEdition, type WimHeader } from '../../../../src/media/wim/index.js';
import { testMediaDir, testMediaManifest, type TestMediaManifest } from '../../../helpers/media.js';

const run = promisify(execFile);

async function wimlib(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('wimlib-imagex', args, { env: { ...process.env, LC_ALL: 'C.UTF-8' }, maxBuffer: 8 << 20 });
    return stdout;
  } catch (err) {
    throw new Error(`wimlib-imagex ${args.join(' ')} failed (install the Debian package wimtools): ${String(err)}`);
  }
}

/** `Key:   value` lines of one block of `wimlib-imagex info`, whitespace collapsed. */
function parseBlock(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    out.set(line.slice(0, at).trim(), line.slice(at + 1).trim().replace(/\s+/g, ' '));
  }
  return out;
}

/** The per-image blocks after "Available Images:". */
function parseImages(stdout: string): Map<string, string>[] {
  const tail = stdout.split(/Available Images:\n-+\n/)[1] ?? '';
  return tail.split(/\n\s*\n/).filter((b) => b.trim()).map(parseBlock);
}

/** `Key = value` lines of `wimlib-imagex info --header`, plus the set flag names. */
function parseHeader(stdout: string): { fields: Map<string, string>; flags: Set<string> } {
  const fields = new Map<string, string>();
  const flags = new Set<string>();
  for (const line of stdout.split('\n')) {
    const flag = /^\s+(WIM_HDR_FLAG_\w+) is set/.exec(line);
    if (flag?.[1]) flags.add(flag[1]);
    const kv = /^(\S[^=]*?)\s*=\s*(.*)$/.exec(line);
    if (kv?.[1] && kv[2] !== undefined) fields.set(kv[1], kv[2].trim());
  }
  return { fields, flags };
}

const WIMLIB_ARCH: Record<number, string> = { 0: 'x86', 5: 'ARM', 6: 'ia64', 9: 'x86_64', 12: 'ARM64' };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** wimlib's "Sat Nov 21 23:09:02 2026 UTC" (whitespace collapsed). */
function wimlibTime(d: Date | null): string {
  if (!d) return 'absent';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} UTC`;
}

/** Renders an edition the way `wimlib-imagex info` prints it (1.13 rules for optional lines). */
function asWimlibPrints(e: WimEdition): Map<string, string> {
  const m = new Map<string, string>();
  const put = (k: string, v: string | number | null) => {
    if (v !== null) m.set(k, String(v).trim().replace(/\s+/g, ' '));
  };
  put('Index', e.index);
  put('Name', e.name ?? '');
  put('Description', e.description ?? '');
  put('Display Name', e.displayName);
  put('Display Description', e.displayDescription);
  put('Directory Count', e.dirCount ?? 0);
  put('File Count', e.fileCount ?? 0);
  put('Total Bytes', e.totalBytes ?? 0);
  put('Hard Link Bytes', e.hardLinkBytes ?? 0);
  put('Creation Time', wimlibTime(e.created));
  put('Last Modification Time', wimlibTime(e.modified));
  const hasWindows =
    e.architectureCode !== null || e.productName !== null || e.editionId !== null || e.installationType !== null ||
    e.hal !== null || e.productType !== null || e.productSuite !== null || e.languages.length > 0 ||
    e.defaultLanguage !== null || e.systemRoot !== null || e.version !== null;
  if (hasWindows) {
    // wimlib reads an absent ARCH as 0.
    put('Architecture', WIMLIB_ARCH[e.architectureCode ?? 0] ?? 'unknown');
    put('Product Name', e.productName);
    put('Edition ID', e.editionId);
    put('Installation Type', e.installationType);
    put('HAL', e.hal);
    put('Product Type', e.productType);
    put('Product Suite', e.productSuite);
    if (e.languages.length > 0) put('Languages', e.languages.join(' '));
    put('Default Language', e.defaultLanguage);
    put('System Root', e.systemRoot);
    if (e.version) {
      put('Major Version', e.version.major);
      put('Minor Version', e.version.minor);
      put('Build', e.version.build);
      put('Service Pack Build', e.version.spBuild);
      put('Service Pack Level', e.version.spLevel ?? 0);
    }
  }
  put('Flags', e.flags);
  return m;
}

const hex = (n: number) => `0x${n.toString(16)}`;

function headerAsWimlibPrints(h: WimHeader): Map<string, string> {
  const m = new Map<string, string>([
    ['Magic Characters', 'MSWIM\\0\\0\\0'],
    ['Header Size', String(h.headerSize)],
    ['Version', hex(h.version)],
    ['Flags', hex(h.flags)],
    ['Chunk Size', String(h.chunkSize)],
    ['GUID', h.guid],
    ['Part Number', String(h.partNumber)],
    ['Total Parts', String(h.totalParts)],
    ['Image Count', String(h.imageCount)],
    ['Boot Index', String(h.bootIndex)],
  ]);
  const res = (label: string, orig: string, r: WimHeader['xml']) => {
    m.set(`${label} Size`, String(r.size));
    m.set(`${label} Flags`, hex(r.flags));
    m.set(`${label} Offset`, String(r.offset));
    m.set(`${label} ${orig}`, String(r.originalSize));
  };
  res('Blob Table', 'Original_size', h.blobTable);
  res('XML Data', 'Original Size', h.xml);
  res('Boot Metadata', 'Original Size', h.bootMetadata);
  res('Integrity', 'Original_size', h.integrity);
  return m;
}

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
        expected.delete('WIMBoot compatible');
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
