/**
 * A minimal QMP client: one connection per command (greeting, qmp_capabilities, the
 * command, its reply). QEMU serves one QMP client at a time, so short connections keep
 * concurrent callers from starving each other.
 */
import { connect } from 'node:net';
import { HvRequestError, HvTimeoutError, HvTransientError } from '../errors.js';

const platform = 'qemu' as const;

/** The QMP error object QEMU sends for a refused command. */
interface QmpReply {
  QMP?: unknown;
  event?: string;
  return?: unknown;
  error?: { class: string; desc: string };
}

/**
 * Runs one QMP command on a unix socket and resolves with its `return` value. A socket
 * nobody listens on rejects with HvTransientError (code QMP_CONNECT), a refused command
 * with HvRequestError carrying QEMU's error class, silence with HvTimeoutError.
 */
export function qmpExecute(socket: string, execute: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let buf = '';
    let stage: 'greeting' | 'capabilities' | 'command' = 'greeting';
    let settled = false;
    const finish = (err: Error | null, value?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new HvTimeoutError(`qemu: QMP ${execute} on ${socket}: no reply within ${timeoutMs} ms`, { platform })),
      timeoutMs,
    );
    c.on('error', (e: NodeJS.ErrnoException) => {
      // quit closes the socket as it answers; ECONNRESET after the command was sent is that
      if (execute === 'quit' && stage === 'command') return finish(null, {});
      finish(new HvTransientError(`qemu: QMP ${execute} on ${socket}: ${e.message}`, { platform, platformCode: 'QMP_CONNECT', platformMessage: e.code ?? e.message, cause: e }));
    });
    c.on('close', () => {
      if (execute === 'quit' && stage === 'command') return finish(null, {});
      finish(new HvTransientError(`qemu: QMP ${execute} on ${socket}: connection closed before the reply`, { platform, platformCode: 'QMP_CONNECT' }));
    });
    c.on('data', (d) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        let msg: QmpReply;
        try {
          msg = JSON.parse(line) as QmpReply;
        } catch (err) {
          return finish(new HvTransientError(`qemu: QMP ${execute}: unreadable reply`, { platform, platformCode: 'QMP_PROTOCOL', cause: err }));
        }
        if (msg.event) continue;
        if (stage === 'greeting' && msg.QMP) {
          stage = 'capabilities';
          c.write(`${JSON.stringify({ execute: 'qmp_capabilities' })}\n`);
        } else if (msg.error) {
          const { class: cls, desc } = msg.error;
          return finish(new HvRequestError(`qemu: QMP ${execute}: ${desc}`, { platform, platformCode: cls, platformMessage: desc }));
        } else if (stage === 'capabilities') {
          stage = 'command';
          c.write(`${JSON.stringify(args ? { execute, arguments: args } : { execute })}\n`);
        } else if (stage === 'command') {
          return finish(null, msg.return);
        }
      }
    });
  });
}
