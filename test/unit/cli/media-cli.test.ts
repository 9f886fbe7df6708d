import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testImagePath, testMediaDir } from '../../helpers/media.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = join(repo, 'bin/vizor.js');

function vizor(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'buffer', env: { ...process.env, HOME: '/nonexistent', ...env }, maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

describe('vizor media (CLI, real process)', () => {
  test('inspect --json reports kind, file systems, boot entries and editions', async () => {
    const r = vizor(['media', 'inspect', '--json', await testImagePath('win10.iso')]);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.kind, 'windows-install');
    assert.deepEqual([...report.volume.fileSystems].sort(), ['iso9660', 'udf']);
    assert.equal(report.volume.preferred, 'udf');
    assert.equal(report.volume.udfRevision, '1.02');
    assert.deepEqual(report.boot.entries.map((e: { platform: string }) => e.platform), ['x86', 'uefi']);
    assert.deepEqual(report.windows.editions.map((e: { name: string }) => e.name), ['Windows 10 Education', 'Windows 10 Enterprise', 'Windows 10 Pro']);
    assert.ok(report.bytesRead < 2 * 1024 * 1024, `read ${report.bytesRead} bytes`);
  });

  test('inspect (text) names the kind, editions and how much was read', async () => {
    const r = vizor(['media', 'inspect', await testImagePath('win10.iso')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Kind:\s+Windows install media/);
    assert.match(r.out, /Windows 10 Enterprise\s+Enterprise\s+x64\s+10\.0\.19041\.1/);
    assert.match(r.out, /Read:\s+[\d.]+ KiB of the image/);
  });

  test('ls lists UDF contents with case-insensitive paths', async () => {
    const r = vizor(['media', 'ls', await testImagePath('win10.iso'), 'SOURCES']);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.split('\n').includes('install.wim'), r.out);
    const j = vizor(['media', 'ls', '--json', '-R', await testImagePath('win10.iso'), '/efi']);
    const paths = JSON.parse(j.out).map((e: { path: string }) => e.path.toLowerCase());
    assert.ok(paths.includes('/efi/microsoft/boot/efisys.bin'), paths.join(' '));
  });

  test('cat streams a file byte-exact, and honours --offset/--length', async () => {
    const media = await testMediaDir();
    const original = readFileSync(join(media, 'trees/win10/setup.exe'));
    const r = vizor(['media', 'cat', join(media, 'win10.iso'), 'Setup.EXE']);
    assert.equal(r.code, 0, r.err);
    assert.equal(createHash('sha256').update(r.stdout).digest('hex'), createHash('sha256').update(original).digest('hex'));
    const part = vizor(['media', 'cat', '--offset', '1000', '--length', '5000', join(media, 'win10.iso'), '/setup.exe']);
    assert.deepEqual(part.stdout, original.subarray(1000, 6000));
  });

  const failures: { name: string; args: () => Promise<string[]>; code: number; message: RegExp }[] = [
    { name: 'missing ISO', args: async () => ['media', 'inspect', '/nonexistent.iso'], code: 6, message: /^vizor: cannot open \/nonexistent\.iso: ENOENT\n$/ },
    { name: 'path not in image', args: async () => ['media', 'cat', await testImagePath('win10.iso'), '/nope.txt'], code: 3, message: /^vizor: no such file in image: \/nope\.txt\n$/ },
    { name: 'not an image', args: async () => ['media', 'inspect', bin], code: 5, message: /no ISO 9660 or UDF file system/ },
    { name: 'bad --offset', args: async () => ['media', 'cat', '--offset', 'x', await testImagePath('win10.iso'), '/setup.exe'], code: 2, message: /--offset must be a whole number[\s\S]*see 'vizor media cat --help'/ },
    { name: 'unknown command', args: async () => ['media', 'frobnicate'], code: 2, message: /unknown command/ },
    { name: 'bad config file', args: async () => ['--config', '/nonexistent.yaml', 'config', 'show'], code: 4, message: /\/nonexistent\.yaml: does not exist/ },
  ];
  for (const f of failures) {
    test(`${f.name}: exit ${f.code} with one clear line`, async () => {
      const r = vizor(await f.args());
      assert.equal(r.code, f.code, r.err);
      assert.match(r.err, f.message);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    });
  }

  test('--json errors are machine-readable', () => {
    const r = vizor(['--json', 'media', 'inspect', '/nonexistent.iso']);
    assert.equal(r.code, 6);
    assert.equal(JSON.parse(r.err).error.code, 'MEDIA_IO');
  });

  test('--help and --version exit 0', () => {
    for (const args of [['--help'], ['media', '--help'], ['media', 'inspect', '--help'], ['--version']]) {
      const r = vizor(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      assert.ok(r.out.length > 0);
    }
    assert.match(vizor(['media', 'inspect', '--help']).out, /--json|Usage: vizor media inspect/);
  });

  test('config show reflects env overrides', () => {
    const r = vizor(['--json', 'config', 'show'], { VIZOR_HTTP_PORT: '9123' });
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).config.http.port, 9123);
  });
});
