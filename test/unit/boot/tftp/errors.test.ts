import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VizorError } from '../../../../src/errors.js';
import {
  TftpAccessError,
  TftpBindError,
  TftpBusyError,
  TftpConfigError,
  TftpDecodeError,
  TftpEncodeError,
  TftpIoError,
  TftpNotFoundError,
  TftpUnsupportedError,
  tftpErrorNumber,
  tftpErrorText,
} from '../../../../src/boot/tftp/errors.js';

describe('TFTP errors', () => {
  const cases: { err: VizorError; name: string; code: string; number: number; text: string }[] = [
    { err: new TftpDecodeError('x'), name: 'TftpDecodeError', code: 'TFTP_DECODE', number: 4, text: 'internal error' },
    { err: new TftpEncodeError('x'), name: 'TftpEncodeError', code: 'TFTP_ENCODE', number: 0, text: 'internal error' },
    { err: new TftpAccessError('f', 'x'), name: 'TftpAccessError', code: 'TFTP_ACCESS', number: 2, text: 'access violation' },
    { err: new TftpUnsupportedError('f', 'mode mail'), name: 'TftpUnsupportedError', code: 'TFTP_UNSUPPORTED', number: 4, text: 'mode mail' },
    { err: new TftpNotFoundError('f'), name: 'TftpNotFoundError', code: 'TFTP_NOT_FOUND', number: 1, text: 'file not found' },
    { err: new TftpBusyError(3), name: 'TftpBusyError', code: 'TFTP_BUSY', number: 0, text: 'too many transfers (3), try again later' },
    { err: new TftpIoError('x'), name: 'TftpIoError', code: 'TFTP_IO', number: 0, text: 'internal error' },
    { err: new TftpBindError('x'), name: 'TftpBindError', code: 'TFTP_BIND', number: 0, text: 'internal error' },
    { err: new TftpConfigError('x'), name: 'TftpConfigError', code: 'TFTP_CONFIG', number: 0, text: 'internal error' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.ok(c.err instanceof VizorError);
      assert.equal(c.err.name, c.name);
      assert.equal(c.err.code, c.code);
      assert.equal(tftpErrorNumber(c.err), c.number);
      assert.equal(tftpErrorText(c.err), c.text);
    });
  }
  test('messages', () => {
    assert.equal(new TftpDecodeError('bad').message, 'tftp decode: bad');
    assert.equal(new TftpNotFoundError('a/b').message, 'no such file: a/b');
  });
});
