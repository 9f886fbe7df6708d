import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSourceUrl, SourceUrlError } from '../../../src/catalog/index.js';

describe('parseSourceUrl', () => {
  const good: { url: string; location: unknown; stored: string; password?: string }[] = [
    { url: 'file:///srv/isos', location: { kind: 'file', path: '/srv/isos' }, stored: 'file:///srv/isos' },
    { url: 'file:///srv//isos/./win/', location: { kind: 'file', path: '/srv/isos/win' }, stored: 'file:///srv/isos/win' },
    { url: 'file://localhost/srv/My%20ISOs', location: { kind: 'file', path: '/srv/My ISOs' }, stored: 'file:///srv/My%20ISOs' },
    { url: 'smb://alice@fs1/media', location: { kind: 'smb', host: 'fs1', port: null, share: 'media', path: '', domain: null, user: 'alice' }, stored: 'smb://alice@fs1/media' },
    { url: 'smb://CORP;alice@fs1.corp.example:4450/media/Windows/10', location: { kind: 'smb', host: 'fs1.corp.example', port: 4450, share: 'media', path: 'Windows/10', domain: 'CORP', user: 'alice' }, stored: 'smb://CORP;alice@fs1.corp.example:4450/media/Windows/10' },
    { url: 'smb://alice:s3cr%40t@fs1/media/isos', location: { kind: 'smb', host: 'fs1', port: null, share: 'media', path: 'isos', domain: null, user: 'alice' }, stored: 'smb://alice@fs1/media/isos', password: 's3cr@t' },
    { url: 'SMB://fs1/public', location: { kind: 'smb', host: 'fs1', port: null, share: 'public', path: '', domain: null, user: null }, stored: 'smb://fs1/public' },
    { url: 'smb://[fe80::1]:445/share', location: { kind: 'smb', host: '[fe80::1]', port: 445, share: 'share', path: '', domain: null, user: null }, stored: 'smb://[fe80::1]:445/share' },
    { url: 'nfs://nas/export/isos', location: { kind: 'nfs', host: 'nas', exportPath: '/export/isos' }, stored: 'nfs://nas/export/isos' },
  ];
  for (const c of good) {
    test(`parses ${c.url}`, () => {
      const p = parseSourceUrl(c.url);
      assert.deepEqual(p.location, c.location);
      assert.equal(p.url, c.stored);
      assert.equal(p.password, c.password ?? null);
      if (c.password) assert.ok(!p.url.includes(c.password), 'stored URL has no password');
    });
  }
  const bad: { url: string; message: RegExp }[] = [
    { url: '/srv/isos', message: /not a source URL/ },
    { url: 'ftp://host/x', message: /unsupported scheme "ftp:"/ },
    { url: 'file://otherhost/srv', message: /local path/ },
    { url: 'smb://host', message: /needs a share/ },
    { url: 'smb://host:99999/share', message: /bad port/ },
    { url: 'smb://host/share/../etc', message: /may not contain "\.\."/ },
    { url: 'nfs://user@host/export', message: /no user name/ },
    { url: 'nfs://host', message: /export path/ },
    { url: 'smb://al%ZZice@host/s', message: /percent-encoding in the user/ },
  ];
  for (const c of bad) {
    test(`rejects ${c.url}`, () => assert.throws(() => parseSourceUrl(c.url), (e: unknown) => e instanceof SourceUrlError && c.message.test(e.message)));
  }
});
