import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTftp, TftpBindError, TftpConfigError, TftpServer, type TftpOption } from '../../../../src/boot/tftp/index.js';
import { toNetascii } from '../../../../src/boot/tftp/netascii.js';
import { exchange, openSocket, TftpRemoteError, tftpGet } from './client.js';
import { content, sha256, startServer, waitFor, type Harness } from './harness.js';
import { pino } from 'pino';

const rrq = (filename: string, mode = 'octet', options: TftpOption[] = []) => encodeTftp({ op: 'rrq', filename, mode, options });

describe('TftpServer over loopback', () => {
  let h: Harness;
  before(async () => {
    h = await startServer({
      generate: async (path, peer) => {
        if (path === 'gen/hello') return Buffer.from(`hello ${peer.address}\n`);
        if (path === 'gen/throws') throw new Error('generator broke');
        return null;
      },
    });
  });
  after(() => h.close());

  const variants: { name: string; options: TftpOption[] }[] = [
    { name: 'no options', options: [] },
    { name: 'blksize 1468 + tsize', options: [['blksize', '1468'], ['tsize', '0']] },
    { name: 'blksize 8', options: [['blksize', '8']] },
    { name: 'windowsize 4', options: [['windowsize', '4']] },
    { name: 'blksize 1468 + windowsize 16', options: [['blksize', '1468'], ['windowsize', '16']] },
    { name: 'windowsize 64 + timeout 2', options: [['windowsize', '64'], ['timeout', '2']] },
  ];
  for (const v of variants) {
    test(`every file byte-exact with ${v.name}`, async () => {
      for (const [name, data] of h.files) {
        const r = await tftpGet(h.port, name, { options: v.options });
        assert.equal(sha256(r.data), sha256(data), name);
        if (v.options.some(([k]) => k === 'tsize')) assert.equal(r.oack?.get('tsize'), data.length > 0 ? String(data.length) : undefined);
      }
    });
  }

  test('OACK caps blksize and windowsize at the configured maxima', async () => {
    const r = await tftpGet(h.port, 's1468x3', { options: [['blksize', '65464'], ['windowsize', '65535'], ['tsize', '0']] });
    assert.deepEqual(Object.fromEntries(r.oack ?? []), { blksize: '1468', windowsize: '64', tsize: String(1468 * 3) });
  });

  test('netascii translates LF and CR and reports the translated tsize', async () => {
    const want = toNetascii(h.files.get('text.txt') as Buffer);
    const r = await tftpGet(h.port, 'text.txt', { mode: 'NetASCII', options: [['tsize', '0'], ['blksize', '8']] });
    assert.deepEqual(r.data, want);
    assert.equal(r.oack?.get('tsize'), String(want.length));
  });

  test('generate hook is consulted first, with the jailed path and the peer', async () => {
    const r = await tftpGet(h.port, '\\gen\\hello');
    assert.equal(r.data.toString(), 'hello 127.0.0.1\n');
    assert.equal(sha256((await tftpGet(h.port, 's513')).data), sha256(h.files.get('s513') as Buffer)); // null → disk
    await assert.rejects(tftpGet(h.port, 'gen/throws'), (e: unknown) => e instanceof TftpRemoteError && e.errorCode === 0 && e.text === 'internal error');
  });

  test('events: start and done carry file, bytes, blksize and windowsize', async () => {
    const r = await tftpGet(h.port, '/sub/dir/file.bin', { options: [['blksize', '1024'], ['windowsize', '2']] });
    const mine = () => h.events.filter((e) => e.detail.file === 'sub/dir/file.bin' && e.detail.blksize === 1024);
    await waitFor(() => mine().length === 2, 5000, 'tftp-done');
    const [start, done] = mine();
    assert.deepEqual([start?.kind, done?.kind], ['tftp-start', 'tftp-done']);
    assert.deepEqual(done?.detail, { file: 'sub/dir/file.bin', bytes: 3000, blksize: 1024, windowsize: 2 });
    assert.deepEqual(start?.peer, done?.peer);
    assert.notEqual(start?.peer.port, r.serverPort);
  });

  const refusals: { name: string; packet: Buffer; code: number; level?: number }[] = [
    { name: '../../etc/passwd', packet: rrq('../../etc/passwd'), code: 2 },
    { name: 'foo/../../x', packet: rrq('foo/../../x'), code: 2 },
    { name: '..\\..\\secret', packet: rrq('..\\..\\secret'), code: 2 },
    { name: 'symlink out of the root', packet: rrq('escape'), code: 2 },
    { name: 'control character', packet: rrq('a\x01b'), code: 2 },
    { name: 'root itself', packet: rrq('/'), code: 2 },
    { name: 'WRQ (read-only server)', packet: encodeTftp({ op: 'wrq', filename: 'new', mode: 'octet', options: [] }), code: 2 },
    { name: 'mail mode', packet: rrq('s512', 'mail'), code: 4 },
    { name: 'unknown mode', packet: rrq('s512', 'binary'), code: 4 },
    { name: 'missing file', packet: rrq('nope'), code: 1, level: 30 },
    { name: 'directory', packet: rrq('sub'), code: 1, level: 30 },
  ];
  for (const c of refusals) {
    test(`refuses ${c.name} with ERROR ${c.code}, logs it and emits tftp-refused`, async () => {
      const before = h.logs.length;
      const reply = await exchange(h.port, c.packet);
      assert.equal(reply?.packet.op, 'error');
      assert.equal(reply?.packet.op === 'error' && reply.packet.code, c.code);
      assert.equal(reply?.port, h.port, 'refusals come from the request port');
      const refusal = (l: Record<string, unknown>) => l.msg === 'tftp: request refused' || l.msg === 'tftp: file not found';
      await waitFor(() => h.logs.slice(before).some(refusal));
      const line = h.logs.slice(before).find(refusal);
      assert.ok(line, 'a log line with peer and file');
      assert.equal(line.level, c.level ?? 40);
      assert.ok(h.events.some((e) => e.kind === 'tftp-refused' && e.peer.port === (line.peer as { port: number }).port));
    });
  }

  test('/etc/passwd means <root>/etc/passwd', async () => {
    assert.equal((await tftpGet(h.port, '/etc/passwd')).data.toString(), 'not the real one\n');
  });

  const noise: { name: string; packet: Buffer; want: number | null }[] = [
    { name: 'ACK on the request port', packet: encodeTftp({ op: 'ack', block: 1 }), want: 4 },
    { name: 'DATA on the request port', packet: encodeTftp({ op: 'data', block: 1, data: Buffer.alloc(3) }), want: 4 },
    { name: 'truncated RRQ', packet: Buffer.from('\x00\x01file'), want: 4 },
    { name: 'one byte', packet: Buffer.from([1]), want: 4 },
    { name: 'ERROR on the request port (never answered)', packet: encodeTftp({ op: 'error', code: 0, message: 'x' }), want: null },
    { name: 'broken ERROR (never answered)', packet: Buffer.from([0, 5, 0]), want: null },
  ];
  for (const c of noise) {
    test(`${c.name} → ${c.want === null ? 'no reply' : `ERROR ${c.want}`}`, async () => {
      const reply = await exchange(h.port, c.packet, 300);
      if (c.want === null) assert.equal(reply, null);
      else assert.ok(reply?.packet.op === 'error' && reply.packet.code === c.want);
    });
  }

  test('a duplicate RRQ from the same port does not start a second transfer', async () => {
    const sock = await openSocket();
    const firstReply = new Promise<number>((resolve) => sock.once('message', (_m, rinfo) => resolve(rinfo.port)));
    const starts = () => h.events.filter((e) => e.kind === 'tftp-start' && e.peer.port === sock.address().port).length;
    const packet = rrq('s1m', 'octet', [['windowsize', '1']]);
    sock.send(packet, h.port, '127.0.0.1');
    sock.send(packet, h.port, '127.0.0.1');
    await waitFor(() => starts() === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(starts(), 1);
    const abort = encodeTftp({ op: 'error', code: 0, message: 'bye' });
    const transferPort = await firstReply;
    await new Promise<void>((r) => sock.send(abort, transferPort, '127.0.0.1', () => r()));
    sock.close();
  });

  test('a stranger on a transfer port gets ERROR 5 and the transfer still completes', async () => {
    const stranger = await openSocket();
    const reply = new Promise<Buffer>((resolve) => stranger.once('message', resolve));
    const r = await tftpGet(h.port, 's1m', {
      filter: (_block, count, serverPort) => {
        if (count === 3) stranger.send(encodeTftp({ op: 'ack', block: 3 }), serverPort, '127.0.0.1');
        return true;
      },
    });
    assert.equal(sha256(r.data), sha256(h.files.get('s1m') as Buffer));
    assert.deepEqual([...(await reply).subarray(0, 4)], [0, 5, 0, 5]);
    stranger.close();
  });

  test('50 concurrent transfers with mixed options all complete byte-exact', async () => {
    const names = [...h.files.keys()];
    const opts: TftpOption[][] = [[], [['blksize', '1468']], [['windowsize', '16'], ['blksize', '1468']], [['windowsize', '4']]];
    const jobs = Array.from({ length: 50 }, (_, i) => {
      const name = names[i % names.length] as string;
      return tftpGet(h.port, name, { options: opts[i % opts.length] }).then((r) => assert.equal(sha256(r.data), sha256(h.files.get(name) as Buffer), name));
    });
    await Promise.all(jobs);
    await waitFor(() => h.server.activeTransfers === 0, 2000, 'transfers to drain');
  });
});

describe('TftpServer limits and lifecycle', () => {
  test('block numbers roll over past 65535 (blksize 8, 80,000 blocks)', async () => {
    const data = content(8 * 80_000 + 3, 9);
    const h = await startServer({ files: new Map([['big', data]]) });
    try {
      for (const ws of ['64', '1']) {
        const r = await tftpGet(h.port, 'big', { options: [['blksize', '8'], ['windowsize', ws]] });
        assert.equal(sha256(r.data), sha256(data), `windowsize ${ws}`);
      }
    } finally {
      await h.close();
    }
  });

  test('byte-exact despite lost DATA packets (lock-step and windowed)', async () => {
    const h = await startServer({ timeoutMs: 20, retries: 10 });
    try {
      for (const options of [[], [['windowsize', '8'], ['blksize', '1468']]] as TftpOption[][]) {
        // The client's own ACK retransmissions are duplicates the server ignores; its timer recovers.
        const r = await tftpGet(h.port, 's1m', { options, timeoutMs: 15, tries: 50, filter: (_b, n) => n % 37 !== 0 });
        assert.equal(sha256(r.data), sha256(h.files.get('s1m') as Buffer));
      }
    } finally {
      await h.close();
    }
  });

  test('an abandoned transfer times out, frees its slot and reports tftp-error', async () => {
    const h = await startServer({ timeoutMs: 20, retries: 2 });
    try {
      const reply = await exchange(h.port, rrq('s1m'));
      assert.equal(reply?.packet.op, 'data');
      assert.notEqual(reply?.port, h.port, 'DATA comes from a new ephemeral port');
      await waitFor(() => h.events.some((e) => e.kind === 'tftp-error'), 3000);
      assert.equal(h.server.activeTransfers, 0);
      assert.match(h.events.find((e) => e.kind === 'tftp-error')?.detail.error ?? '', /timed out after 2 retransmissions/);
    } finally {
      await h.close();
    }
  });

  test('maxTransfers refuses extra requests with ERROR 0', async () => {
    const h = await startServer({ maxTransfers: 1 });
    try {
      assert.equal((await exchange(h.port, rrq('s1m')))?.packet.op, 'data');
      const second = await exchange(h.port, rrq('s1m'));
      assert.ok(second?.packet.op === 'error' && second.packet.code === 0 && /too many transfers/.test(second.packet.message));
    } finally {
      await h.close();
    }
  });

  test('stop() ends active transfers and closes every socket', async () => {
    const h = await startServer();
    await exchange(h.port, rrq('s1m'));
    await exchange(h.port, rrq('s512', 'octet', [['tsize', '0']]));
    assert.equal(h.server.activeTransfers, 2);
    await h.close();
    assert.equal(h.server.activeTransfers, 0);
    assert.equal(h.events.filter((e) => e.kind === 'tftp-error' && e.detail.error === 'server stopping').length, 2);
  });

  test('a configured higher maxBlksize is granted', async () => {
    const h = await startServer({ maxBlksize: 65464 });
    try {
      const r = await tftpGet(h.port, 's1m', { options: [['blksize', '65464']] });
      assert.equal(r.oack?.get('blksize'), '65464');
      assert.equal(sha256(r.data), sha256(h.files.get('s1m') as Buffer));
    } finally {
      await h.close();
    }
  });

  test('bind errors say which address and what to do', async () => {
    const h = await startServer();
    try {
      const dup = new TftpServer({ root: h.root, address: '127.0.0.1', port: h.port, log: pino({ level: 'silent' }) });
      await assert.rejects(dup.start(), (e: unknown) => e instanceof TftpBindError && new RegExp(`^bind udp/${h.port} on 127.0.0.1: EADDRINUSE \\(another TFTP server`).test(e.message));
      const missing = new TftpServer({ root: `${h.dir}/nope`, address: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
      await assert.rejects(missing.start(), (e: unknown) => e instanceof TftpConfigError && /ENOENT/.test(e.message));
    } finally {
      await h.close();
    }
  });
});
