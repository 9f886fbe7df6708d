import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Store } from '../../../../src/store/index.js';
import { DhcpDecodeError, DhcpServer, decodeDhcp, encodeDhcp, MessageType as T, type DhcpPacket } from '../../../../src/boot/dhcp/index.js';
import { captureLog, fakeFactory } from './fakes.js';
import { IFACE, POOL } from './harness.js';
import { firmware, ipOpt, request } from './packets.js';

/** Valid datagrams of every message type and firmware, the seeds that mutations start from. */
const seeds: Buffer[] = Object.values(firmware).flatMap((options) =>
  [T.Discover, T.Request, T.Decline, T.Release, T.Inform].map((type) =>
    encodeDhcp(request({ type, ciaddr: type >= T.Release ? '10.0.0.100' : '0.0.0.0', options: [...options, ipOpt(54, '10.0.0.1'), ipOpt(50, '10.0.0.100')] })),
  ),
);

type Mutation = { kind: 'flip'; at: number; value: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'mac'; last: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(400), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(400) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(400), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('mac' as const), last: fc.nat(255) }),
);

function mutate(seed: Buffer, ms: readonly Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of ms) {
    const at = b.length ? m.kind === 'mac' ? 33 : (m as { at: number }).at % b.length : 0;
    if (m.kind === 'flip' || m.kind === 'mac') {
      if (b.length) b[at] = m.kind === 'mac' ? m.last : m.value;
    } else if (m.kind === 'cut') b = b.subarray(0, at);
    else b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
  }
  return b;
}

/** Mutated valid packets (most of the time) and raw random bytes. */
const datagram: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([s, ms]) => mutate(s, ms)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 700 }).map((a) => Buffer.from(a)) },
);

describe('dhcp fuzz', () => {
  test('decode throws only DhcpDecodeError; what decodes re-encodes and decodes to the same packet (100,000 cases)', () => {
    let decoded = 0;
    fc.assert(
      fc.property(datagram, (buf) => {
        let p: DhcpPacket;
        try {
          p = decodeDhcp(buf);
        } catch (e) {
          if (!(e instanceof DhcpDecodeError)) throw e;
          return;
        }
        decoded++;
        assert.deepEqual(decodeDhcp(encodeDhcp(p)), p);
      }),
      { numRuns: 100_000 },
    );
    assert.ok(decoded > 10_000, `only ${decoded} mutated packets decoded; the mutations are too destructive`);
  });

  for (const mode of ['full', 'proxy'] as const) {
    test(`the ${mode}-mode server handles 100,000 hostile datagrams without an error and sends only decodable replies`, async () => {
      const { factory, sockets } = fakeFactory();
      const { log, lines } = captureLog();
      let clock = 1_700_000_000_000;
      const server = new DhcpServer({ mode, interfaces: [IFACE], pool: mode === 'full' ? POOL : undefined, httpPort: 8080, efiBootFile: 'snponly.efi', leases: Store.open(':memory:').dhcp, log, socketFactory: factory, clock: () => (clock += 1000) });
      await server.start();
      fc.assert(
        fc.property(datagram, fc.boolean(), (buf, proxyPort) => {
          const s = sockets[proxyPort && sockets.length > 1 ? 1 : 0]!;
          s.deliver(buf, { address: '10.0.0.100', port: 68 });
        }),
        { numRuns: 100_000 },
      );
      server.stop();
      const errors = lines.filter((l) => (l.level as number) >= 40);
      assert.deepEqual(errors.slice(0, 3), []);
      const sent = sockets.flatMap((s) => s.sent);
      assert.ok(sent.length > 100, `only ${sent.length} replies`);
      for (const x of sent) decodeDhcp(x.msg);
    });
  }
});
