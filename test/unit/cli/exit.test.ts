import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFor, reportError, ExitCode, UsageError } from '../../../src/cli/exit.js';
import { MediaCorruptError, MediaIoError, MediaNotFoundError, MediaUnsupportedError } from '../../../src/media/errors.js';
import { ConfigError } from '../../../src/config/index.js';

describe('CLI error reporting', () => {
  const cases: { err: unknown; exit: number; line: RegExp }[] = [
    { err: new MediaNotFoundError('/x'), exit: ExitCode.NotFound, line: /^vizor: no such file in image: \/x\n$/ },
    { err: new MediaCorruptError('udf', 'bad tag checksum at sector 256'), exit: ExitCode.BadMedia, line: /^vizor: udf: bad tag checksum at sector 256\n$/ },
    { err: new MediaUnsupportedError('wim', 'compressed XML'), exit: ExitCode.BadMedia, line: /^vizor: wim: compressed XML\n$/ },
    { err: new MediaIoError('cannot open /a.iso: ENOENT'), exit: ExitCode.Io, line: /^vizor: cannot open \/a.iso: ENOENT\n$/ },
    { err: new ConfigError([{ path: 'http.port', message: 'too big', origin: 'f.yaml' }]), exit: ExitCode.Config, line: /http\.port: too big \(f\.yaml\)/ },
    { err: new UsageError('--offset must be a whole number', 'media cat'), exit: ExitCode.Usage, line: /see 'vizor media cat --help'/ },
    { err: new TypeError('boom'), exit: ExitCode.Failure, line: /^vizor: internal error: boom\n$/ },
  ];
  for (const c of cases) {
    test(`${(c.err as Error).constructor.name} → exit ${c.exit}, one clear line`, () => {
      let out = '';
      assert.equal(reportError(c.err, false, (s) => (out += s)), c.exit);
      assert.match(out, c.line);
    });
  }
  test('--json errors are {error:{code,message}}', () => {
    let out = '';
    reportError(new MediaNotFoundError('/x'), true, (s) => (out += s));
    assert.deepEqual(JSON.parse(out), { error: { code: 'MEDIA_NOT_FOUND', message: 'no such file in image: /x' } });
  });
  test('unknown codes map to a general failure', () => assert.equal(exitCodeFor('NOPE'), ExitCode.Failure));
});
