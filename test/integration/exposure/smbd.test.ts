// vizor's generated smb.conf, run by a real smbd: read-only media shares, a writable status
// share, no anonymous access. The media share here is the fixture's file tree: this kernel
// cannot loop-mount ISO 9660/UDF, so the ISO mount itself is not part of this test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSmbConf, SmbConfError, SMB_STATE_DIRS, type SmbConfOptions } from '../../../src/exposure/index.js';
import { startSamba, SAMBA_TEST_USER, type SambaServer } from '../../helpers/samba.js';
import { testMediaDir } from '../../helpers/media.js';

const PASSWORD = 'Build-Acct-42!';

describe('vizor smb.conf', () => {
  const base = (stateDir: string, port: number, shares: SmbConfOptions['shares']): SmbConfOptions => ({ listen: ['127.0.0.1'], port, stateDir, shares });

  test('testparm accepts it and sees the security settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-smbconf-'));
    const conf = join(dir, 'smb.conf');
    for (const sub of SMB_STATE_DIRS) mkdirSync(join(dir, sub), { mode: sub === 'private' ? 0o700 : 0o755 });
    writeFileSync(conf, renderSmbConf(base(dir, 4450, [{ name: 'win10', path: '/srv/x', writable: false, users: ['b1'] }, { name: 'status-b1', path: '/srv/y', writable: true, users: ['b1'] }])));
    const r = spawnSync('testparm', ['-s', '--suppress-prompt', conf], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Unknown parameter|Ignoring unknown/i);
    const param = (name: string, section?: string) =>
      spawnSync('testparm', ['-s', '--suppress-prompt', ...(section ? ['--section-name', section] : []), '--parameter-name', name, conf], { encoding: 'utf8' }).stdout.trim();
    const want: [string, string | undefined, string][] = [
      ['server signing', undefined, 'required'],
      ['map to guest', undefined, 'Never'],
      ['restrict anonymous', undefined, '2'],
      ['acl allow execute always', undefined, 'Yes'],
      ['server min protocol', undefined, 'SMB2_02'],
      ['bind interfaces only', undefined, 'Yes'],
      ['guest ok', 'win10', 'No'],
      ['read only', 'win10', 'Yes'],
      ['read only', 'status-b1', 'No'],
    ];
    for (const [name, section, value] of want) assert.equal(param(name, section), value, `${section ?? 'global'}: ${name}`);
  });

  const bad: { name: string; share: Partial<SmbConfOptions['shares'][number]>; message: RegExp }[] = [
    { name: 'newline in a path', share: { path: '/srv/x\n[evil]' }, message: /line breaks/ },
    { name: 'newline in a comment', share: { comment: 'a\npath = /' }, message: /line breaks/ },
    { name: 'reserved name', share: { name: 'global' }, message: /bad share name/ },
    { name: 'no users (guest)', share: { users: [] }, message: /no guest access/ },
    { name: 'relative path', share: { path: 'srv' }, message: /absolute/ },
    { name: 'bad user', share: { users: ['Bad User'] }, message: /bad user name/ },
  ];
  for (const c of bad) {
    test(`refuses ${c.name}`, () => {
      const share = { name: 'win10', path: '/srv/x', writable: false, users: ['b1'], ...c.share } as SmbConfOptions['shares'][number];
      assert.throws(() => renderSmbConf(base('/tmp/s', 4450, [share])), (e: unknown) => e instanceof SmbConfError && c.message.test(e.message));
    });
  }
  test('refuses duplicate share names', () => {
    const s = { name: 'Win10', path: '/srv/x', writable: false, users: ['b1'] };
    assert.throws(() => renderSmbConf(base('/tmp/s', 4450, [s, { ...s, name: 'win10' }])), /duplicate share/);
  });
});

describe('a real smbd on the generated smb.conf', () => {
  let samba: SambaServer;
  let statusDir: string;
  let media: string;
  before(async () => {
    media = join(await testMediaDir(), 'trees/win10');
    statusDir = mkdtempSync(join(tmpdir(), 'vizor-status-'));
    samba = await startSamba({
      shares: { win10: media },
      user: SAMBA_TEST_USER,
      password: PASSWORD,
      extraShares: [{ name: 'status-b1', path: statusDir, writable: true, users: [SAMBA_TEST_USER] }],
    });
    const uid = Number(execFileSync('id', ['-u', SAMBA_TEST_USER], { encoding: 'utf8' }).trim());
    chownSync(statusDir, uid, 0);
  });
  after(async () => samba?.stop());

  const smbclient = (share: string, command: string, auth = true) =>
    spawnSync('smbclient', [`//127.0.0.1/${share}`, '-p', String(samba.port), '-m', 'SMB3', ...(auth ? ['-U', `${SAMBA_TEST_USER}%${PASSWORD}`] : ['-N']), '-c', command], { encoding: 'utf8' });

  test('the build account reads setup.exe from the media share, byte-exact', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vizor-get-')), 'setup.exe');
    const r = smbclient('win10', `get setup.exe ${out}`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(readFileSync(out), readFileSync(join(media, 'setup.exe')));
  });

  test('the media share cannot be written', () => {
    const src = join(mkdtempSync(join(tmpdir(), 'vizor-put-')), 'x.txt');
    writeFileSync(src, 'x');
    const r = smbclient('win10', `put ${src} x.txt`);
    assert.match(r.stdout + r.stderr, /NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)/);
    assert.ok(!existsSync(join(media, 'x.txt')));
  });

  test('the status share takes a status file', () => {
    const src = join(mkdtempSync(join(tmpdir(), 'vizor-put-')), 'stage.txt');
    writeFileSync(src, 'setup-started\r\n');
    const r = smbclient('status-b1', `put ${src} stage.txt`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(statusDir, 'stage.txt'), 'utf8'), 'setup-started\r\n');
  });

  test('without credentials access is refused', () => {
    const r = smbclient('win10', 'ls', false);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /NT_STATUS_(ACCESS_DENIED|LOGON_FAILURE)/);
  });
});
