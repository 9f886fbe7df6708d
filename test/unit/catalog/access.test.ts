import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseSmbClient, probeCifs, kernelHasNfs, openAccess, SourceUnavailableError } from '../../../src/catalog/index.js';

describe('choosing the SMB client', () => {
  const full = { kernelHasCifs: true, mountCifs: true, root: true };
  const cases: { name: string; mode: 'auto' | 'kernel' | 'userspace'; s: typeof full; use: string; missing: RegExp | null }[] = [
    { name: 'auto with everything → kernel', mode: 'auto', s: full, use: 'kernel', missing: null },
    { name: 'auto without kernel cifs → userspace', mode: 'auto', s: { ...full, kernelHasCifs: false }, use: 'userspace', missing: /no CIFS client/ },
    { name: 'auto without mount.cifs → userspace', mode: 'auto', s: { ...full, mountCifs: false }, use: 'userspace', missing: /cifs-utils/ },
    { name: 'auto not root → userspace', mode: 'auto', s: { ...full, root: false }, use: 'userspace', missing: /needs root/ },
    { name: 'userspace always', mode: 'userspace', s: full, use: 'userspace', missing: null },
    { name: 'kernel insists and says what is missing', mode: 'kernel', s: { ...full, kernelHasCifs: false }, use: 'kernel', missing: /no CIFS client/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = chooseSmbClient(c.mode, c.s);
      assert.equal(r.use, c.use);
      if (c.missing) assert.match(r.missing!, c.missing);
      else assert.equal(r.missing, null);
    });
  }

  test('probe reads /proc/filesystems', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'vizor-fs-')), 'filesystems');
    writeFileSync(f, 'nodev\tsysfs\n\text4\nnodev\tcifs\nnodev\tsmb3\n');
    assert.equal(probeCifs(f).kernelHasCifs, true);
    writeFileSync(f, 'nodev\tsysfs\n\text4\n');
    assert.equal(probeCifs(f).kernelHasCifs, false);
    assert.equal(kernelHasNfs(f), false);
    writeFileSync(f, 'nodev\tnfs\nnodev\tnfs4\n');
    assert.equal(kernelHasNfs(f), true);
  });

  test('smbClient=kernel fails clearly: what is missing, or (with CIFS) the mount of a closed port', async () => {
    const support = probeCifs();
    const ready = chooseSmbClient('kernel', support).missing === null;
    await assert.rejects(
      openAccess('x', { kind: 'smb', host: '127.0.0.1', port: 1, share: 's', path: '', domain: null, user: 'u' }, 'p', mkdtempSync(join(tmpdir(), 'vizor-mnt-')), 'kernel'),
      (e: unknown) => e instanceof SourceUnavailableError && (ready ? /cannot mount \/\/127\.0\.0\.1\/s/ : /catalog.smbClient is 'kernel' but/).test(e.message),
    );
  });
});

describe('NFS sources', () => {
  test('an NFS source that cannot be read says why: no kernel client, or the failed mount', async () => {
    const expected = kernelHasNfs() ? /cannot mount 127\.0\.0\.1:\/export/ : /this kernel has no NFS client .*nfs-common/;
    await assert.rejects(
      openAccess('nas', { kind: 'nfs', host: '127.0.0.1', exportPath: '/export' }, null, mkdtempSync(join(tmpdir(), 'vizor-mnt-'))),
      (e: unknown) => e instanceof SourceUnavailableError && expected.test(e.message),
    );
  });
});
