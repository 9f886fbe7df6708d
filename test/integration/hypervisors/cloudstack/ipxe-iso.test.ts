// The iPXE boot ISO built with the real tools (xorriso, Debian's ipxe and isolinux), read
// back with vizor's own ISO 9660 / El Torito reader.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildIpxeIso, IPXE_CHAIN_QUERY, IPXE_ISO_INPUTS, ipxeBootScript } from '../../../../src/hypervisors/cloudstack/index.js';
import { HvConfigError } from '../../../../src/hypervisors/index.js';
import { IPXE_SCRIPT_QUERY } from '../../../../src/boot/dhcp/client.js';
import { openImageFile, type MediaImage } from '../../../../src/media/index.js';

const run = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vizor-ipxe-iso-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function withImage<T>(path: string, fn: (img: MediaImage) => Promise<T>): Promise<T> {
  const img = await openImageFile(path);
  try {
    return await fn(img);
  } finally {
    await img.close();
  }
}

/** Where a file's (single) data extent starts in the image. */
const dataOffset = (node: { extents: readonly unknown[] }): number => (node.extents[0] as { sourceOffset: number }).sourceOffset;

test('the chain query is the one vizor\'s DHCP server hands iPXE', () => {
  assert.equal(IPXE_CHAIN_QUERY, IPXE_SCRIPT_QUERY);
  const script = ipxeBootScript('http://10.0.0.5:8080/');
  assert.match(script, /^#!ipxe\n/);
  assert.ok(script.includes(`chain --autofree http://10.0.0.5:8080/boot/ipxe?${IPXE_SCRIPT_QUERY} || goto wait\n`));
  assert.ok(script.includes('dhcp || goto wait\n'));
});

test('unsafe vizor URLs are refused before anything is built', () => {
  for (const bad of ['ftp://h/', 'http://h/?x=1', 'http://h/a|b', 'http://h/${x}', 'not a url', 'http://user:pw@h/']) {
    assert.throws(() => ipxeBootScript(bad), HvConfigError, bad);
  }
});

test('the ISO boots ipxe.lkrn through ISOLINUX with vizor\'s script as initrd (read back with vizor\'s reader)', async () => {
  const out = join(dir, 'boot.iso');
  const iso = await buildIpxeIso({ vizorUrl: 'http://10.0.0.5:8080', output: out });
  await withImage(out, async (img) => {
    assert.equal(img.iso?.volumeId, 'VIZOR_IPXE');
    assert.deepEqual((await img.list('/')).map((e) => e.name).sort(), ['boot.cat', 'ipxe.lkrn', 'isolinux.bin', 'isolinux.cfg', 'ldlinux.c32', 'vizor.ipxe']);
    assert.equal((await img.readFile('/vizor.ipxe')).toString(), iso.script);
    assert.equal((await img.readFile('/isolinux.cfg')).toString(), 'DEFAULT vizor\nPROMPT 0\nTIMEOUT 0\nLABEL vizor\n  LINUX /ipxe.lkrn\n  INITRD /vizor.ipxe\n');
    assert.ok((await img.readFile('/ipxe.lkrn', 4 << 20)).equals(await readFile(IPXE_ISO_INPUTS.ipxeLkrn.path)), 'Debian\'s ipxe.lkrn, unchanged');
    assert.ok((await img.readFile('/ldlinux.c32', 4 << 20)).equals(await readFile(IPXE_ISO_INPUTS.ldlinuxC32.path)));
    // El Torito: one bootable BIOS no-emulation entry loading isolinux.bin (4 sectors)
    assert.ok(img.boot);
    assert.equal(img.boot.entries.length, 1);
    const [entry] = img.boot.entries;
    assert.equal(entry!.platform, 'x86');
    assert.equal(entry!.bootable, true);
    assert.equal(entry!.mediaType, 'no-emulation');
    assert.equal(entry!.sectorCount, 4);
    const loader = await img.stat('/isolinux.bin');
    assert.equal(entry!.loadLba * 2048, dataOffset(loader.node));
    // -boot-info-table: ISOLINUX learns where it is from bytes 8..16 (PVD at 16, its own LBA)
    const onIso = await img.readFile('/isolinux.bin');
    const original = await readFile(IPXE_ISO_INPUTS.isolinuxBin.path);
    assert.equal(onIso.readUInt32LE(8), 16);
    assert.equal(onIso.readUInt32LE(12), entry!.loadLba);
    assert.ok(onIso.subarray(64).equals(original.subarray(64)), 'isolinux.bin is Debian\'s apart from the boot info table');
  });
  assert.equal(iso.size, (await readFile(out)).length);
});

test('the same inputs build the same bytes, whenever they are built', async () => {
  const a = await buildIpxeIso({ vizorUrl: 'http://vizor.lab:8080', output: join(dir, 'a.iso'), efiIpxe: '/usr/lib/ipxe/ipxe.efi' });
  // a build in another second must not differ (file and FAT times are pinned)
  await new Promise((r) => setTimeout(r, 1100));
  const b = await buildIpxeIso({ vizorUrl: 'http://vizor.lab:8080', output: join(dir, 'b.iso'), efiIpxe: '/usr/lib/ipxe/ipxe.efi' });
  const c = await buildIpxeIso({ vizorUrl: 'http://vizor.lab:8081', output: join(dir, 'c.iso'), efiIpxe: '/usr/lib/ipxe/ipxe.efi' });
  assert.equal(a.sha256, b.sha256);
  assert.notEqual(a.sha256, c.sha256);
});

test('with an EFI iPXE, a second El Torito entry boots a FAT image holding BOOTX64.EFI and autoexec.ipxe', async () => {
  const out = join(dir, 'efi.iso');
  const efi = '/usr/lib/ipxe/ipxe.efi';
  const iso = await buildIpxeIso({ vizorUrl: 'http://10.0.0.5:8080', output: out, efiIpxe: efi });
  await withImage(out, async (img) => {
    assert.deepEqual(img.boot?.entries.map((e) => [e.platform, e.bootable, e.mediaType]), [['x86', true, 'no-emulation'], ['uefi', true, 'no-emulation']]);
    const fat = await img.stat('/efiboot.img');
    assert.equal(img.boot!.entries[1]!.loadLba * 2048, dataOffset(fat.node));
    const fatPath = join(dir, 'efiboot.img');
    await writeFile(fatPath, await img.readFile('/efiboot.img', 8 << 20));
    const { stdout: script } = await run('mtype', ['-i', fatPath, '::/autoexec.ipxe']);
    assert.equal(script, iso.script);
    await run('mcopy', ['-i', fatPath, '::/EFI/BOOT/BOOTX64.EFI', join(dir, 'bootx64.efi')]);
    assert.ok((await readFile(join(dir, 'bootx64.efi'))).equals(await readFile(efi)));
  });
});

test('missing tools fail with the Debian packages to install', async () => {
  await assert.rejects(
    buildIpxeIso({ vizorUrl: 'http://h', output: join(dir, 'x.iso'), paths: { isolinuxBin: '/nonexistent/isolinux.bin', xorriso: '/nonexistent/xorriso' } }),
    (e: unknown) => e instanceof HvConfigError && /missing Debian packages: isolinux xorriso \(apt-get install --no-install-recommends isolinux xorriso\)/.test(e.message),
  );
});
