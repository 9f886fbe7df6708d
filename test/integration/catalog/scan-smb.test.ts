// The catalog over a real Samba smbd (private config, 127.0.0.1, high port, signing
// mandatory, a user with a password): every edition found, only a little of each ISO
// crosses the wire, rescans re-read nothing, and bad credentials/host/share are clear.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src/store/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { scanSources, SourceService, type ScanEvent } from '../../../src/catalog/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { startSamba, SAMBA_TEST_USER, type SambaServer } from '../../helpers/samba.js';
import { testImagePath } from '../../helpers/media.js';

const PASSWORD = 'Smb-Test-Pw-7731';
const MiB = 1024 * 1024;
const FILES = {
  'Windows/win10.iso': 'win10.iso',
  'Windows/win11.iso': 'win11-esd.iso',
  'Windows/big/win11-big.iso': 'win11-big.iso',
  'Windows/split.iso': 'win-split.iso',
  'lp/langpack.iso': 'langpack.iso',
  'tools/virtio-win.iso': 'virtio-win.iso',
  'linux/debian.iso': 'debian-netinst.iso',
};

describe('catalog scan over SMB (real smbd, signing mandatory)', () => {
  let samba: SambaServer;
  let dir: string;
  before(async () => {
    dir = await isoFolder(FILES);
    samba = await startSamba({ shares: { media: dir }, user: SAMBA_TEST_USER, password: PASSWORD });
  });
  after(async () => samba?.stop());

  function setup() {
    const app = tempApp();
    const store = Store.open(join(app.dataDir, 'vizor.db'));
    const sources = new SourceService(store, new SecretStore(store.secrets, app.keyFile), join(app.dataDir, 'mnt'));
    const events: ScanEvent[] = [];
    const scan = (names?: string[]) =>
      scanSources(store, names ? names.map((n) => store.sources.get(n)) : store.sources.list(), {
        concurrency: 3, mountRoot: join(app.dataDir, 'mnt'), password: (s) => sources.password(s), onEvent: (e) => events.push(e),
      });
    return { store, sources, scan, events };
  }
  const url = (share = 'media', host = '127.0.0.1', port = samba.port) => `smb://${SAMBA_TEST_USER}@${host}:${port}/${share}`;

  test('scan finds every edition; under 2 MiB per ISO crosses the wire; a rescan re-reads nothing', async () => {
    const t = setup();
    t.sources.add('fs', url(), PASSWORD);
    const first = await t.scan();
    assert.equal(first.failed, 0, JSON.stringify(first.failures));
    assert.equal(first.new, 7);
    assert.equal(t.store.query.findEditions().length, 3 + 4 + 2 + 2);
    assert.deepEqual(t.store.query.findEditions({ source: 'fs', name: 'Windows 11 Pro' }).map((e) => e.isoPath).sort(), ['Windows/big/win11-big.iso', 'Windows/win11.iso', 'Windows/win11.iso']);
    for (const e of t.events) if (e.type === 'iso') assert.ok(e.bytesRead < 2 * MiB, `${e.path}: ${e.bytesRead} bytes over SMB`);
    const big = t.events.find((e) => e.type === 'iso' && e.path.endsWith('win11-big.iso'));
    assert.ok(big && big.type === 'iso' && big.bytesRead < MiB, 'the 4.4 GiB ISO costs less than 1 MiB');

    t.events.length = 0;
    const second = await t.scan();
    assert.equal(second.unchanged, 7);
    for (const e of t.events) if (e.type === 'iso') assert.ok(e.bytesRead <= 4608, `${e.path} re-read ${e.bytesRead} bytes`);
  });

  test('renaming, changing and deleting ISOs on the share are each detected', async () => {
    const t = setup();
    t.sources.add('fs', url(), PASSWORD);
    await t.scan();
    renameSync(join(dir, 'linux/debian.iso'), join(dir, 'linux/debian-12.iso'));
    rmSync(join(dir, 'tools/virtio-win.iso'));
    rmSync(join(dir, 'Windows/split.iso'));
    copyFileSync(await testImagePath('win10.iso'), join(dir, 'Windows/split.iso'));
    try {
      const s = await t.scan();
      assert.deepEqual({ renamed: s.renamed, missing: s.missing, changed: s.changed, unchanged: s.unchanged }, { renamed: 1, missing: 1, changed: 1, unchanged: 4 });
      assert.equal(t.store.query.getIso('fs:Windows/split.iso').editions, 3);
    } finally {
      renameSync(join(dir, 'linux/debian-12.iso'), join(dir, 'linux/debian.iso'));
      copyFileSync(await testImagePath('virtio-win.iso'), join(dir, 'tools/virtio-win.iso'));
      rmSync(join(dir, 'Windows/split.iso'));
      copyFileSync(await testImagePath('win-split.iso'), join(dir, 'Windows/split.iso'));
    }
  });

  const failures: { name: string; url: () => string; password: string; code: RegExp; message: RegExp }[] = [
    { name: 'wrong credentials', url: () => url(), password: 'wrong-password', code: /SOURCE_UNAVAILABLE/, message: /logon|auth|credentials|denied/i },
    { name: 'unreachable host', url: () => url('media', '127.0.0.1', 1), password: PASSWORD, code: /SOURCE_UNAVAILABLE/, message: /127\.0\.0\.1/ },
    { name: 'missing share', url: () => url('nosuchshare'), password: PASSWORD, code: /SOURCE_UNAVAILABLE/, message: /nosuchshare/ },
  ];
  for (const f of failures) {
    test(`${f.name}: source test and scan give a clear error naming the problem, never the password`, async () => {
      const t = setup();
      t.sources.add('bad', f.url(), f.password);
      const r = await t.sources.test('bad');
      assert.equal(r.ok, false);
      assert.match(r.error!.code, f.code);
      assert.match(r.error!.message, f.message);
      assert.ok(!r.error!.message.includes(f.password));
      const s = await t.scan();
      assert.equal(s.failures.length, 1);
      assert.equal(s.failures[0]!.path, null, 'a source-level failure');
      assert.ok(!JSON.stringify(s).includes(f.password));
    });
  }
});
