import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { TftpBindError, TftpServer } from '../../../../src/boot/tftp/index.js';
import { toNetascii } from '../../../../src/boot/tftp/netascii.js';
import { content, sha256, standardFiles, startServer, waitFor, type Harness } from './harness.js';
import { CLIENTS, requireTool, runClient, takeOutput } from './tools.js';

const SIZES = ['empty', 's511', 's512', 's513', 's1468x3', 's1m'];
const BIG = 40 * 2 ** 20; // 81,921 blocks at blksize 512: forces the 65535 → 0 rollover

describe('interop with real TFTP clients', () => {
  let h: Harness;
  let n = 0;
  const out = () => join(h.dir, `out-${++n}`);
  before(async () => {
    const files = standardFiles();
    files.set('big40m', content(BIG, 40));
    h = await startServer({ files });
  });
  after(() => h.close());

  /** Runs a client command line and returns its output file, asserting exit 0. */
  async function fetch([cmd, args]: readonly [string, readonly string[]], path: string): Promise<Buffer> {
    requireTool(cmd);
    const r = await runClient(cmd, [...args]);
    assert.equal(r.code, 0, `${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /error/i, `${cmd} reported: ${r.stderr}`);
    return takeOutput(path) ?? Buffer.alloc(0);
  }

  const matrix: { name: string; line: (file: string, path: string) => readonly [string, readonly string[]] }[] = [
    { name: 'curl', line: (f, p) => CLIENTS.curl(h.port, f, p) },
    { name: 'curl --tftp-blksize 1468', line: (f, p) => CLIENTS.curl(h.port, f, p, { blksize: 1468 }) },
    { name: 'tftp-hpa -m binary', line: (f, p) => CLIENTS.tftp(h.port, f, p) },
    { name: 'atftp', line: (f, p) => CLIENTS.atftp(h.port, f, p) },
    { name: 'atftp blksize 1468', line: (f, p) => CLIENTS.atftp(h.port, f, p, { blksize: 1468 }) },
    { name: 'atftp blksize 1468 windowsize 16', line: (f, p) => CLIENTS.atftp(h.port, f, p, { blksize: 1468, windowsize: 16 }) },
    { name: 'atftp blksize 512 windowsize 64', line: (f, p) => CLIENTS.atftp(h.port, f, p, { blksize: 512, windowsize: 64 }) },
  ];
  for (const m of matrix) {
    test(`${m.name}: 0, 511, 512, 513, 3×1468 bytes and 1 MiB byte-exact`, async () => {
      for (const name of SIZES) {
        const path = out();
        assert.equal(sha256(await fetch(m.line(name, path), path)), sha256(h.files.get(name) as Buffer), name);
      }
    });
  }

  const rollover = matrix.filter((m) => !m.name.includes('1468'));
  for (const m of rollover) {
    test(`${m.name}: 40 MiB at blksize 512 rolls block numbers over and stays byte-exact`, async () => {
      const path = out();
      assert.equal(sha256(await fetch(m.line('big40m', path), path)), sha256(h.files.get('big40m') as Buffer));
      await waitFor(() => h.events.some((e) => e.kind === 'tftp-done' && e.detail.file === 'big40m' && e.detail.blksize === 512));
    });
  }

  test('netascii: tftp-hpa -m ascii gets the original text back; curl ;mode=netascii gets the wire form', async () => {
    const raw = h.files.get('text.txt') as Buffer;
    const p1 = out();
    assert.deepEqual(await fetch(CLIENTS.tftp(h.port, 'text.txt', p1, { mode: 'ascii' }), p1), raw);
    const p2 = out();
    assert.deepEqual(await fetch(CLIENTS.curl(h.port, 'text.txt;mode=netascii', p2), p2), toNetascii(raw));
  });

  test('absolute names are inside the root: curl //etc/passwd and tftp-hpa /etc/passwd get the root copy', async () => {
    const p1 = out();
    assert.equal((await fetch(CLIENTS.curl(h.port, '/etc/passwd', p1), p1)).toString(), 'not the real one\n');
    const p2 = out();
    assert.equal((await fetch(CLIENTS.tftp(h.port, '/etc/passwd', p2), p2)).toString(), 'not the real one\n');
  });

  const traversals = ['../../etc/passwd', 'foo/../../x', 'escape', '..\\..\\secret'];
  for (const name of traversals) {
    test(`traversal ${name} is refused for every client and logged at warn`, async () => {
      for (const tool of ['curl', 'tftp', 'atftp'] as const) {
        requireTool(tool);
        const path = out();
        const before = h.logs.length;
        const [cmd, args] = CLIENTS[tool](h.port, name, path);
        const r = await runClient(cmd, [...args]);
        const got = takeOutput(path);
        assert.ok(got === null || got.length === 0, `${tool} received data for ${name}`);
        if (tool === 'curl') assert.equal(r.code, 69, `curl exit 69 = TFTP access violation (${r.stderr})`);
        if (tool === 'tftp') assert.match(r.stdout + r.stderr, /Error code 2: access violation/);
        if (tool === 'atftp') assert.notEqual(r.code, 0);
        await waitFor(() => h.logs.slice(before).some((l) => l.msg === 'tftp: request refused' && l.level === 40 && l.file === name && (l.peer as { address?: string }).address === '127.0.0.1'));
      }
    });
  }

  test('a missing file: curl exits 68 (TFTP not found), tftp-hpa prints file not found', async () => {
    requireTool('curl');
    requireTool('tftp');
    const [curl, curlArgs] = CLIENTS.curl(h.port, 'nope', out());
    assert.equal((await runClient(curl, [...curlArgs])).code, 68);
    const [tftp, tftpArgs] = CLIENTS.tftp(h.port, 'nope', out());
    const r = await runClient(tftp, [...tftpArgs]);
    assert.match(r.stdout + r.stderr, /Error code 1: file not found/);
  });

  test('50 concurrent curl processes all complete byte-exact', async () => {
    requireTool('curl');
    const names = ['s511', 's513', 's1468x3', 's1m', 'sub/dir/file.bin'];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const name = names[i % names.length] as string;
        const path = out();
        const data = await fetch(CLIENTS.curl(h.port, name, path, i % 2 ? { blksize: 1468 } : {}), path);
        assert.equal(sha256(data), sha256(h.files.get(name) as Buffer), `#${i} ${name}`);
      }),
    );
    await waitFor(() => h.server.activeTransfers === 0, 5000, 'transfers to drain');
  });

  test('IPv6: curl fetches from a server bound to ::1', async (t) => {
    requireTool('curl');
    const v6 = new TftpServer({ root: h.root, address: '::1', port: 0, log: pino({ level: 'silent' }) });
    try {
      await v6.start();
    } catch (err) {
      if (err instanceof TftpBindError && /EADDRNOTAVAIL/.test(err.message)) return t.diagnostic('no IPv6 loopback here');
      throw err;
    }
    try {
      const path = out();
      const data = await fetch(CLIENTS.curl(v6.address().port, 's1m', path, { host: '[::1]', blksize: 1468 }), path);
      assert.equal(sha256(data), sha256(h.files.get('s1m') as Buffer));
    } finally {
      await v6.stop();
    }
  });
});
