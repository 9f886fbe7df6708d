import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TftpAccessError, TftpNotFoundError } from '../../../../src/boot/tftp/errors.js';
import { isInside, jailPath, openInRoot } from '../../../../src/boot/tftp/paths.js';

describe('jailPath', () => {
  const ok: [string, string][] = [
    ['undionly.kpxe', 'undionly.kpxe'],
    ['/undionly.kpxe', 'undionly.kpxe'],
    ['///undionly.kpxe', 'undionly.kpxe'],
    ['\\Boot\\BCD', 'Boot/BCD'],
    ['/etc/passwd', 'etc/passwd'],
    ['pxelinux.cfg//01-52-54-00-12-34-56', 'pxelinux.cfg/01-52-54-00-12-34-56'],
    ['./a/./b', 'a/b'],
    ['a/b/', 'a/b'],
    ['...', '...'],
    ['..foo', '..foo'],
    ['café/ü', 'café/ü'],
    ['C:\\x', 'C:/x'],
  ];
  for (const [name, want] of ok) test(`${JSON.stringify(name)} → ${want}`, () => assert.equal(jailPath(name), want));

  const refused: [string, RegExp][] = [
    ['../../etc/passwd', /\.\. segment/],
    ['..', /\.\. segment/],
    ['foo/../../x', /\.\. segment/],
    ['foo/../x', /\.\. segment/],
    ['..\\..\\windows', /\.\. segment/],
    ['/..', /\.\. segment/],
    ['a\0b', /control/],
    ['a\nb', /control/],
    ['a\x7fb', /control/],
    ['a\u0085b', /control/],
    ['', /empty/],
    ['/', /empty/],
    ['./', /empty/],
    ['x'.repeat(1025), /longer than 1024/],
  ];
  for (const [name, why] of refused) {
    test(`refuses ${JSON.stringify(name.slice(0, 40))}`, () => {
      assert.throws(() => jailPath(name), (err: unknown) => err instanceof TftpAccessError && err.code === 'TFTP_ACCESS' && why.test(err.message));
    });
  }
});

describe('isInside', () => {
  const cases: [string, string, boolean][] = [
    ['/srv/tftp', '/srv/tftp/a', true],
    ['/srv/tftp', '/srv/tftp', true],
    ['/srv/tftp', '/srv/tftpx/a', false],
    ['/srv/tftp', '/srv', false],
    ['/srv/tftp', '/etc/passwd', false],
    ['/', '/etc/passwd', true],
    ['/srv/tftp', '/srv/tftp/..a', true],
  ];
  for (const [root, p, want] of cases) test(`${p} in ${root}: ${want}`, () => assert.equal(isInside(root, p), want));
});

describe('openInRoot', () => {
  let dir: string;
  let root: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'vizor-tftp-paths-')));
    root = join(dir, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'file'), 'hello');
    writeFileSync(join(root, 'sub', 'inner'), 'inner');
    writeFileSync(join(dir, 'secret'), 'secret');
    symlinkSync(join(dir, 'secret'), join(root, 'escape'));
    symlinkSync('../secret', join(root, 'escape-rel'));
    symlinkSync(dir, join(root, 'dir-escape'));
    symlinkSync('sub/inner', join(root, 'inside-link'));
    symlinkSync('loop', join(root, 'loop'));
    execFileSync('mkfifo', [join(root, 'fifo')]);
    writeFileSync(join(root, 'unreadable'), 'x');
    chmodSync(join(root, 'unreadable'), 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('opens a file and reports its size', async () => {
    const f = await openInRoot(root, 'file');
    assert.equal(f.size, 5);
    assert.equal(f.realPath, join(root, 'file'));
    await f.handle.close();
  });

  test('follows a symlink that stays inside the root', async () => {
    const f = await openInRoot(root, 'inside-link');
    assert.equal(f.realPath, join(root, 'sub', 'inner'));
    await f.handle.close();
  });

  const refused: { name: string; rel: string; cls: typeof TftpAccessError | typeof TftpNotFoundError; why: RegExp }[] = [
    { name: 'absolute symlink out of the root', rel: 'escape', cls: TftpAccessError, why: /outside the root/ },
    { name: 'relative symlink out of the root', rel: 'escape-rel', cls: TftpAccessError, why: /outside the root/ },
    { name: 'symlinked directory out of the root', rel: 'dir-escape/secret', cls: TftpAccessError, why: /outside the root/ },
    { name: 'missing file', rel: 'nope', cls: TftpNotFoundError, why: /ENOENT/ },
    { name: 'file used as a directory', rel: 'file/x', cls: TftpNotFoundError, why: /ENOTDIR/ },
    { name: 'directory', rel: 'sub', cls: TftpNotFoundError, why: /is a directory/ },
    { name: 'symlink loop', rel: 'loop', cls: TftpAccessError, why: /ELOOP/ },
    { name: 'FIFO (would block a reader)', rel: 'fifo', cls: TftpAccessError, why: /not a regular file/ },
  ];
  for (const c of refused) {
    test(`refuses ${c.name}`, async () => {
      await assert.rejects(openInRoot(root, c.rel), (err: unknown) => err instanceof c.cls && c.why.test((err as Error).message));
    });
  }

  test('unreadable file is an access violation (when not root)', async (t) => {
    if (process.getuid?.() === 0) return t.diagnostic('running as root: permissions do not apply');
    await assert.rejects(openInRoot(root, 'unreadable'), TftpAccessError);
  });
});
