// Network fuzz: 100,000 hostile datagrams to the request port and 100,000 to live transfer
// ports (from the transfer's own peer and from a stranger), while real transfers must still
// complete byte-exact and every reply the server sends must be a well-formed TFTP packet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import fc from 'fast-check';
import { decodeTftp, encodeTftp, type TftpOption } from '../../../../src/boot/tftp/index.js';
import { openSocket, tftpGet } from './client.js';
import { sha256, startServer, waitFor, type Harness } from './harness.js';

const RUNS = Number(process.env.VIZOR_FUZZ_PACKETS ?? 100_000);
// Packets are sent in small batches, each followed by a probe whose reply proves the server
// has read the batch (one socket is a FIFO), so the kernel queue never overflows under load.
const BATCH = 16;

const option: fc.Arbitrary<TftpOption> = fc.oneof(
  fc.tuple(fc.constantFrom('blksize', 'BLKSIZE', 'windowsize', 'timeout', 'tsize'), fc.oneof(fc.nat(70_000).map(String), fc.string({ maxLength: 6 }))),
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
);
const request = fc.record({
  op: fc.constantFrom('rrq' as const, 'wrq' as const),
  filename: fc.oneof(fc.constantFrom('s1m', 's512', 'empty', 'nope', '../x', '/etc/passwd', 'escape', 'sub'), fc.string({ maxLength: 20 })),
  mode: fc.constantFrom('octet', 'netascii', 'mail', 'OCTET', ''),
  options: fc.array(option, { maxLength: 5 }),
});
const nul = (s: string) => s.replaceAll('\0', '');
const valid = fc.oneof(
  request.map((r) => encodeTftp({ ...r, filename: nul(r.filename), options: r.options.map(([k, v]) => [nul(k), nul(v)] as const) })),
  fc.nat(0xffff).map((block) => encodeTftp({ op: 'ack', block })),
  fc.tuple(fc.nat(0xffff), fc.uint8Array({ maxLength: 40 })).map(([block, d]) => encodeTftp({ op: 'data', block, data: Buffer.from(d) })),
  fc.tuple(fc.nat(0xffff), fc.string({ maxLength: 20 })).map(([code, message]) => encodeTftp({ op: 'error', code, message })),
  fc.array(option, { maxLength: 3 }).map((o) => encodeTftp({ op: 'oack', options: o.map(([k, v]) => [nul(k), nul(v)] as const) })),
);
const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(60), fc.nat(255)), { maxLength: 4 }), fc.option(fc.nat(60)), fc.uint8Array({ maxLength: 6 })).map(([base, edits, cut, tail]) => {
  const buf = Buffer.from(base);
  for (const [at, v] of edits) if (at < buf.length) buf[at] = v;
  return Buffer.concat([cut === null ? buf : buf.subarray(0, cut), Buffer.from(tail)]);
});
const packet = fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)), weight: 1 }, { arbitrary: valid, weight: 1 }, { arbitrary: mutated, weight: 2 });
const ackLike = fc.oneof(packet, fc.nat(0xffff).map((block) => encodeTftp({ op: 'ack', block })), fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Buffer.from([0, 4, b[2] ?? 0, b[3] ?? 0])));

/** Sends `packet` from `sock` to `port`; resolves on any reply, when `gone()` holds, or after `ms`. */
function probe(sock: Socket, port: number, packet: Buffer, ms: number, gone: () => boolean = () => false): Promise<boolean> {
  return new Promise((resolve) => {
    const end = Date.now() + ms;
    const poll = setInterval(() => {
      if (gone() || Date.now() > end) finish(false);
    }, 2);
    const finish = (ok: boolean) => {
      clearInterval(poll);
      sock.off('message', onReply);
      resolve(ok);
    };
    const onReply = () => finish(true);
    sock.once('message', onReply);
    sock.send(packet, port, '127.0.0.1');
  });
}
const UNKNOWN_OPCODE = Buffer.from([0, 9]);

describe('network fuzz', () => {
  let h: Harness;
  const sockets: Socket[] = [];
  const badReplies: string[] = [];
  let replies = 0;

  async function fuzzSocket(): Promise<Socket> {
    const s = await openSocket();
    s.on('message', (msg) => {
      replies += 1;
      try {
        decodeTftp(msg);
      } catch (err) {
        badReplies.push(`${msg.toString('hex').slice(0, 40)}: ${String(err)}`);
      }
    });
    sockets.push(s);
    return s;
  }

  before(async () => {
    // Short timeouts so abandoned fuzz transfers drain quickly, but enough retries (≈5 s) that
    // real transfers survive a loaded machine.
    h = await startServer({ timeoutMs: 200, retries: 4 });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await h.close();
  });

  /** Fetches real files in a loop until `stop()` is true; every fetch must be byte-exact. */
  async function realTraffic(stop: () => boolean): Promise<number> {
    let done = 0;
    const want = sha256(h.files.get('s1m') as Buffer);
    const opts: TftpOption[][] = [[['blksize', '1468'], ['windowsize', '8']], []];
    while (!stop() || done < 2) {
      const r = await tftpGet(h.port, 's1m', { options: opts[done % 2], timeoutMs: 500, tries: 60 });
      assert.equal(sha256(r.data), want);
      done += 1;
    }
    return done;
  }

  test(`${RUNS} hostile packets to the request port while real transfers run`, async (t) => {
    const packets = fc.sample(packet, { numRuns: RUNS, seed: 1350 });
    const fuzzers = await Promise.all(Array.from({ length: 8 }, fuzzSocket));
    const pinger = await openSocket();
    sockets.push(pinger);
    let finished = false;
    const real = realTraffic(() => finished);
    for (let i = 0; i < packets.length; i++) {
      (fuzzers[i % fuzzers.length] as Socket).send(packets[i] as Buffer, h.port, '127.0.0.1');
      if (i % BATCH === BATCH - 1) await probe(pinger, h.port, UNKNOWN_OPCODE, 1000);
    }
    finished = true;
    const fetched = await real;
    t.diagnostic(`${replies} replies to the fuzz, ${fetched} real transfers completed meanwhile`);
    assert.ok(fetched >= 2);
    assert.ok(replies > RUNS / 4, 'the server answered a good share of the fuzz (most were not dropped unread)');
    assert.deepEqual(badReplies, []);
    await waitFor(() => h.server.activeTransfers === 0, 30_000, 'abandoned fuzz transfers to time out');
  });

  test(`${RUNS} hostile packets to live transfer ports, from the peer and from a stranger`, async (t) => {
    const packets = fc.sample(ackLike, { numRuns: RUNS, seed: 7440 });
    const peer = await fuzzSocket();
    const stranger = await fuzzSocket();
    const peerPort = peer.address().port;
    let strangerReplies = 0;
    stranger.on('message', () => (strangerReplies += 1));
    const ends = () => h.events.filter((e) => e.peer.port === peerPort && (e.kind === 'tftp-done' || e.kind === 'tftp-error' || e.kind === 'tftp-refused')).length;
    let started = 0;
    let target = 0;
    const begin = async () => {
      // Alternate files so the new transfer's OACK (its tsize) cannot be confused with a late
      // packet from the previous transfer, even if the kernel hands out the same port again.
      const file = started % 2 ? 's1468x3' : 's1m';
      const tsize = String(h.files.get(file)?.length);
      const first = new Promise<number>((resolve) => {
        const onMessage = (msg: Buffer, rinfo: { port: number }) => {
          const p = decodeTftp(msg);
          if (p.op !== 'oack' || !p.options.some(([k, v]) => k === 'tsize' && v === tsize)) return;
          peer.off('message', onMessage);
          resolve(rinfo.port);
        };
        peer.on('message', onMessage);
      });
      const options: TftpOption[] = [['tsize', '0'], ...(started % 4 < 2 ? [] : ([['windowsize', '4']] as TftpOption[]))];
      peer.send(encodeTftp({ op: 'rrq', filename: file, mode: 'octet', options }), h.port, '127.0.0.1');
      target = await first;
      started += 1;
    };
    let finished = false;
    const real = realTraffic(() => finished);
    await begin();
    for (let i = 0; i < packets.length; i++) {
      if (ends() >= started) await begin();
      (i % 4 === 3 ? stranger : peer).send(packets[i] as Buffer, target, '127.0.0.1');
      // The stranger's probe gets ERROR 5 while the transfer lives; silence means it ended.
      if (i % BATCH === BATCH - 1) await probe(stranger, target, UNKNOWN_OPCODE, 500, () => ends() >= started);
    }
    finished = true;
    const fetched = await real;
    t.diagnostic(`${started} fuzzed transfers, ${strangerReplies} ERROR 5 to the stranger, ${replies} replies in all, ${fetched} real transfers completed meanwhile`);
    assert.ok(fetched >= 2);
    assert.ok(strangerReplies > RUNS / 20, 'a good share of the fuzz reached live transfers');
    assert.deepEqual(badReplies, []);
    await waitFor(() => h.server.activeTransfers === 0, 30_000, 'fuzzed transfers to end');
    const after = await tftpGet(h.port, 's1m');
    assert.equal(sha256(after.data), sha256(h.files.get('s1m') as Buffer));
  });
});
