// Starts recorder-main.js (a request-recording HTTP server) inside a lab namespace and reads
// back the requests it saw, in arrival order.
import { fileURLToPath } from 'node:url';
import type { Lab, LabProcess } from '../lab.js';
import { waitForText } from '../lab-process.js';

const MAIN = fileURLToPath(new URL('./recorder-main.js', import.meta.url));

/** One request the recorder answered. */
export interface RecordedRequest {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  status: number;
}

/** A recorder running in a lab. */
export interface Recorder {
  /** Base URL with a trailing slash, e.g. http://10.77.0.1:8080/. */
  readonly url: string;
  readonly process: LabProcess;
  /** Requests so far, oldest first. */
  requests(): RecordedRequest[];
  /** Resolves with the first request whose url matches re; rejects on timeout. */
  waitFor(re: RegExp, timeoutMs: number, alsoDone?: () => boolean): Promise<RecordedRequest>;
}

/** Starts the recorder on a lab bridge's address, serving files from root, and waits until it listens. */
export async function startRecorder(lab: Lab, o: { root: string; port: number; bridge?: string }): Promise<Recorder> {
  const b = lab.bridge(o.bridge ?? lab.bridges[0]?.name ?? 'br0');
  const proc = lab.spawn(process.execPath, [MAIN, b.address, String(o.port), o.root], { name: `recorder-${o.port}` });
  await proc.waitForOutput(/"listening"/, 15_000);
  const requests = (): RecordedRequest[] =>
    proc.output().split('\n').filter((l) => l.startsWith('{"method"')).map((l) => JSON.parse(l) as RecordedRequest);
  return {
    url: `http://${b.address}:${o.port}/`,
    process: proc,
    requests,
    async waitFor(re, timeoutMs, alsoDone = () => false) {
      const find = () => requests().find((r) => re.test(r.url));
      await waitForText(`recorder on ${b.address}:${o.port}`, () => (find() ? 'hit' : ''), /hit/, timeoutMs, () => proc.hasExited() || alsoDone());
      return find()!;
    },
  };
}
