import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { checkTftpOptions, type TftpServerOptions } from '../../../../src/boot/tftp/config.js';
import { TftpConfigError } from '../../../../src/boot/tftp/errors.js';

const good: TftpServerOptions = { root: '/srv/tftp', address: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) };

describe('checkTftpOptions', () => {
  test('applies defaults', () => {
    const c = checkTftpOptions(good);
    assert.deepEqual([c.maxBlksize, c.maxWindowsize, c.timeoutMs, c.retries, c.maxTransfers], [1468, 64, 1000, 5, 1000]);
  });

  test('accepts IPv6 and the RFC maxima', () => {
    assert.doesNotThrow(() => checkTftpOptions({ ...good, address: '::1', maxBlksize: 65464, maxWindowsize: 65535 }));
  });

  const bad: { name: string; patch: Partial<TftpServerOptions>; why: RegExp }[] = [
    { name: 'no root', patch: { root: '' }, why: /root is required/ },
    { name: 'hostname as address', patch: { address: 'localhost' }, why: /not an IP address/ },
    { name: 'port too big', patch: { port: 65536 }, why: /port 65536/ },
    { name: 'blksize below 8', patch: { maxBlksize: 7 }, why: /maxBlksize 7 is not an integer in 8\.\.65464/ },
    { name: 'blksize above 65464', patch: { maxBlksize: 65465 }, why: /maxBlksize 65465/ },
    { name: 'windowsize 0', patch: { maxWindowsize: 0 }, why: /maxWindowsize 0/ },
    { name: 'fractional timeout', patch: { timeoutMs: 1.5 }, why: /timeoutMs 1\.5/ },
    { name: 'negative retries', patch: { retries: -1 }, why: /retries -1/ },
    { name: 'zero maxTransfers', patch: { maxTransfers: 0 }, why: /maxTransfers 0/ },
  ];
  for (const c of bad) {
    test(`refuses ${c.name}`, () => {
      assert.throws(() => checkTftpOptions({ ...good, ...c.patch }), (err: unknown) => err instanceof TftpConfigError && c.why.test(err.message));
    });
  }

  test('reports every problem at once', () => {
    assert.throws(() => checkTftpOptions({ ...good, port: -1, maxBlksize: 0, retries: 0.5 }), /port -1.*maxBlksize 0.*retries 0\.5/);
  });
});
