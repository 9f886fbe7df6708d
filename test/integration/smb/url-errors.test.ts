// The pure parts of the SMB client: target checks, URL building and errno mapping.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { checkTarget, pathSegments, smbDescription, smbUrl } from '../../../src/media/smb/url.js';
import { codeForErrno, nativeMissingError, smbErrorFromErrno, SmbError } from '../../../src/media/smb/errors.js';

const loc = { host: 'files.example', port: 445, share: 'iso share' };

describe('smb urls', () => {
  test('segments are percent-encoded and separators normalised', () => {
    assert.equal(smbUrl(loc, '\\win 10\\a?b#c%.iso'), 'smb://files.example/iso%20share/win%2010/a%3Fb%23c%25.iso');
    assert.equal(smbUrl(loc, ''), 'smb://files.example/iso%20share/');
    assert.deepEqual(pathSegments('//a///b/'), ['a', 'b']);
  });

  test('descriptions show the port only when it is not 445, and never credentials', () => {
    assert.equal(smbDescription(loc, 'x/y.iso'), 'smb://files.example/iso share/x/y.iso');
    assert.equal(smbDescription({ ...loc, port: 1445 }, '/y.iso'), 'smb://files.example:1445/iso share/y.iso');
  });

  test('dot segments, bad hosts, ports and shares are rejected with typed errors', () => {
    const cases: [() => unknown, string][] = [
      [() => pathSegments('a/../b'), 'SMB_NOT_FOUND'],
      [() => checkTarget({ host: '', share: 's' }), 'SMB_UNREACHABLE'],
      [() => checkTarget({ host: 'u@h', share: 's' }), 'SMB_UNREACHABLE'],
      [() => checkTarget({ host: 'h', port: 70000, share: 's' }), 'SMB_UNREACHABLE'],
      [() => checkTarget({ host: 'h', share: 'a/b' }), 'SMB_NO_SHARE'],
    ];
    for (const [fn, code] of cases) assert.throws(fn, (e: unknown) => e instanceof SmbError && e.code === code);
    assert.deepEqual(checkTarget({ host: 'h', share: 's' }), { host: 'h', port: 445, share: 's' });
  });
});

describe('errno mapping', () => {
  test('each errno maps to a stable code, by phase', () => {
    const table: [string, 'connect' | 'call', string][] = [
      ['EACCES', 'connect', 'SMB_AUTH'],
      ['EPERM', 'connect', 'SMB_AUTH'],
      ['EACCES', 'call', 'SMB_ACCESS'],
      ['ENOENT', 'connect', 'SMB_NO_SHARE'],
      ['ENODEV', 'connect', 'SMB_NO_SHARE'],
      ['ENOENT', 'call', 'SMB_NOT_FOUND'],
      ['ECONNREFUSED', 'connect', 'SMB_UNREACHABLE'],
      ['ETIMEDOUT', 'call', 'SMB_UNREACHABLE'],
      ['EHOSTUNREACH', 'connect', 'SMB_UNREACHABLE'],
      ['ENETUNREACH', 'connect', 'SMB_UNREACHABLE'],
      ['ECONNABORTED', 'connect', 'SMB_UNREACHABLE'],
      ['ECONNRESET', 'call', 'SMB_IO'],
      ['EIO', 'call', 'SMB_IO'],
      ['EINVAL', 'connect', 'SMB_IO'],
    ];
    for (const [name, phase, code] of table) assert.equal(codeForErrno(name, phase), code, `${name}/${phase}`);
  });

  test('messages name the place, the cause and the errno', () => {
    const err = smbErrorFromErrno(constants.errno.ENOENT, 'stat failed: No such file or directory', 'smb://h/s/x', 'call');
    assert.equal(err.code, 'SMB_NOT_FOUND');
    assert.equal(err.name, 'SmbError');
    assert.match(err.message, /^smb:\/\/h\/s\/x: no such file or directory: stat failed: .*\(ENOENT\)$/);
    assert.match(nativeMissingError('not built').message, /libsmbclient-dev.*npm ci/);
    assert.equal(nativeMissingError('x').code, 'SMB_NATIVE_MISSING');
  });
});
