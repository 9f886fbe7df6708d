// Starts a TftpServer on 127.0.0.1:0 over a temporary root, recording log lines and events.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { TftpServer, type TftpEventDetail, type TftpEventKind, type TftpPeer, type TftpServerOptions } from '../../../../src/boot/tftp/index.js';

export interface Harness {
  server: TftpServer;
  port: number;
  root: string;
  /** The temporary directory holding `root` and a `secret` file outside it. */
  dir: string;
  files: Map<string, Buffer>;
  logs: Record<string, unknown>[];
  events: { peer: TftpPeer; kind: TftpEventKind; detail: TftpEventDetail }[];
  close(): Promise<void>;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Deterministic pseudo-random content (fast for tens of MiB). */
export function content(size: number, seed = 1): Buffer {
  const block = randomBytes(65536);
  block.writeUInt32BE(seed, 0);
  const out = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += block.length) block.copy(out, at, 0, Math.min(block.length, size - at));
  for (let at = 0; at + 8 <= size; at += 4096) out.writeUInt32BE(at / 4096, at + 4); // no two 4 KiB pages alike
  return out;
}

/** The standard file set: edge sizes around 512 and 1468, a text file, nested and hostile names. */
export function standardFiles(): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['empty', Buffer.alloc(0)],
    ['s511', content(511, 2)],
    ['s512', content(512, 3)],
    ['s513', content(513, 4)],
    ['s1468x3', content(1468 * 3, 5)],
    ['s1m', content(1 << 20, 6)],
    ['text.txt', Buffer.from('line 1\nline 2\r\nbare CR\r end\n')],
    ['sub/dir/file.bin', content(3000, 7)],
    ['etc/passwd', Buffer.from('not the real one\n')],
  ]);
}

export async function startServer(o: Partial<TftpServerOptions> & { files?: Map<string, Buffer> } = {}): Promise<Harness> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'vizor-tftp-')));
  const root = join(dir, 'root');
  mkdirSync(root);
  const files = o.files ?? standardFiles();
  for (const [name, data] of files) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  writeFileSync(join(dir, 'secret'), 'outside the root\n');
  symlinkSync(join(dir, 'secret'), join(root, 'escape'));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const events: Harness['events'] = [];
  const server = new TftpServer({
    root,
    address: '127.0.0.1',
    port: 0,
    log: pino({ level: 'info' }, sink),
    onEvent: (peer, kind, detail) => events.push({ peer, kind, detail }),
    ...o,
  });
  await server.start();
  return {
    server,
    port: server.address().port,
    root,
    dir,
    files,
    logs,
    events,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `pred` holds, polling; rejects after `ms`. */
export async function waitFor(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
