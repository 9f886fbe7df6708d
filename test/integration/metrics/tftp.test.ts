// A real TftpServer on 127.0.0.1:0 moves the vizor_tftp_* series: completed, refused,
// timed out, client abort and shutdown, with bytes and durations.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { encodeTftp } from '../../../src/boot/tftp/index.js';
import { createMetrics, type VizorMetrics } from '../../../src/metrics/index.js';
import { startServer, waitFor } from '../boot/tftp/harness.js';
import { exchange, openSocket, tftpGet, TftpRemoteError } from '../boot/tftp/client.js';
import { read } from '../../unit/metrics/exposition.js';

const rrq = (file: string) => encodeTftp({ op: 'rrq', filename: file, mode: 'octet', options: [] });

async function until(reg: Registry, name: string, labels: Record<string, string>, want: number): Promise<void> {
  let last = -1;
  const end = Date.now() + 5000;
  while ((last = await read(reg, name, labels)) !== want) {
    if (Date.now() > end) throw new Error(`${name}${JSON.stringify(labels)} is ${last}, want ${want}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('TFTP metrics', () => {
  test('completed transfers count, with their bytes and a duration; refusals count by reason', async () => {
    const m: VizorMetrics = createMetrics(new Registry());
    const h = await startServer({ metrics: m.tftp });
    const reg = m.registry;
    try {
      const a = await tftpGet(h.port, 's1m', { options: [['blksize', '1468'], ['windowsize', '8']] });
      const b = await tftpGet(h.port, 's513');
      assert.equal(a.data.length + b.data.length, (1 << 20) + 513);
      await until(reg, 'vizor_tftp_transfers_completed_total', {}, 2);
      assert.equal(await read(reg, 'vizor_tftp_transfers_started_total'), 2);
      assert.equal(await read(reg, 'vizor_tftp_sent_bytes_total'), (1 << 20) + 513);
      assert.equal(await read(reg, 'vizor_tftp_transfer_duration_seconds_count', { outcome: 'completed' }), 2);
      await assert.rejects(tftpGet(h.port, 'no-such-file'), TftpRemoteError);
      await assert.rejects(tftpGet(h.port, 'escape'), TftpRemoteError);
      const wrq = await exchange(h.port, encodeTftp({ op: 'wrq', filename: 'x', mode: 'octet', options: [] }));
      assert.equal(wrq?.packet.op, 'error');
      assert.equal((await exchange(h.port, Buffer.from([0, 1, 0x41])))?.packet.op, 'error');
      assert.equal(await read(reg, 'vizor_tftp_requests_refused_total', { reason: 'not-found' }), 1);
      assert.equal(await read(reg, 'vizor_tftp_requests_refused_total', { reason: 'access' }), 2);
      assert.equal(await read(reg, 'vizor_tftp_requests_refused_total', { reason: 'malformed' }), 1);
      assert.equal(await read(reg, 'vizor_tftp_transfers_started_total'), 2, 'refusals start no transfer');
      const text = await reg.metrics();
      assert.doesNotMatch(text, /127\.0\.0\.1|s1m|no-such-file/, 'no peer or file name becomes a label');
    } finally {
      await h.close();
    }
  });

  test('failures count by reason: timeout, client abort and shutdown', async () => {
    const m = createMetrics(new Registry());
    const h = await startServer({ metrics: m.tftp, timeoutMs: 20, retries: 2 });
    const reg = m.registry;
    try {
      assert.equal((await exchange(h.port, rrq('s1m')))?.packet.op, 'data');
      await until(reg, 'vizor_tftp_transfers_failed_total', { reason: 'timeout' }, 1);

      const sock = await openSocket();
      const first = new Promise<number>((resolve) => sock.once('message', (_m, rinfo) => resolve(rinfo.port)));
      sock.send(rrq('s1m'), h.port, '127.0.0.1');
      const transferPort = await first;
      sock.send(encodeTftp({ op: 'error', code: 0, message: 'bye' }), transferPort, '127.0.0.1');
      await until(reg, 'vizor_tftp_transfers_failed_total', { reason: 'client-abort' }, 1);
      sock.close();

      const h2 = await startServer({ metrics: m.tftp, timeoutMs: 10_000 });
      assert.equal((await exchange(h2.port, rrq('s1m')))?.packet.op, 'data');
      await waitFor(() => h2.server.activeTransfers === 1);
      await h2.close();
      assert.equal(await read(reg, 'vizor_tftp_transfers_failed_total', { reason: 'shutdown' }), 1);
      assert.equal(await read(reg, 'vizor_tftp_transfer_duration_seconds_count', { outcome: 'failed' }), 3);
      assert.equal(await read(reg, 'vizor_tftp_transfers_completed_total'), 0);
      assert.equal(await read(reg, 'vizor_tftp_sent_bytes_total'), 0, 'bytes count only delivered files');
    } finally {
      await h.close();
    }
  });
});
