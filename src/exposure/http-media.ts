import express, { type Request, type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import type { Logger } from '../log/index.js';
import { sharedMetrics, type HttpMetrics } from '../metrics/index.js';
import type { OpenIsoCache } from './images.js';
import { decideRange } from './range.js';

/** Options of the media router. */
export interface MediaRouterOptions {
  readonly isos: OpenIsoCache;
  readonly log: Logger;
  /** Records a fetch for the node behind an address, when known. */
  readonly onFetch?: (peer: string, path: string, bytes: number, status: number) => void;
  /** Counts body bytes sent; default the shared instruments behind /metrics. */
  readonly metrics?: HttpMetrics;
}

function etagFor(fingerprint: string, path: string, size: number): string {
  return `"${createHash('sha256').update(`${fingerprint}\0${path}\0${size}`).digest('hex').slice(0, 32)}"`;
}

/**
 * `/media/<iso-id>/<path>`: any file inside a cataloged ISO, read in place through the
 * media readers (local or SMB source), with HEAD, a single Range, ETag/Last-Modified and
 * conditional requests. Memory stays constant per request: the body is streamed in
 * chunks with backpressure. Paths match case-insensitively.
 */
export function mediaRouter(o: MediaRouterOptions): Router {
  const router = express.Router();
  router.get('/media/:isoId/*path', (req, res) => void serve(req, res, o));
  return router;
}

async function serve(req: Request, res: Response, o: MediaRouterOptions): Promise<void> {
  const id = Number(req.params.isoId);
  const parts = req.params.path as unknown as string[];
  const path = `/${parts.join('/')}`;
  if (!Number.isSafeInteger(id) || id <= 0 || parts.includes('..')) {
    res.status(404).type('text/plain').send('not found\n');
    return;
  }
  let lease;
  try {
    lease = await o.isos.get(id);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'NOT_FOUND') o.log.warn({ iso: id, err: (err as Error).message }, 'cannot open ISO for HTTP');
    res.status(code === 'NOT_FOUND' ? 404 : 502).type('text/plain').send(code === 'NOT_FOUND' ? 'no such ISO\n' : 'the ISO cannot be read right now\n');
    return;
  }
  let sent = 0;
  let status = 200;
  const sentBytes = (o.metrics ?? sharedMetrics.http).mediaSentBytes;
  try {
    const file = await lease.image.find(path);
    if (!file || file.node.isDirectory) {
      status = 404;
      res.status(404).type('text/plain').send('no such file in the ISO\n');
      return;
    }
    const size = file.node.size;
    const etag = etagFor(lease.fingerprint, file.path, size);
    const modified = new Date(file.node.mtime?.getTime() ?? lease.mtimeMs);
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', modified.toUTCString());
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', 'application/octet-stream');
    if (req.headers['if-none-match'] === etag) {
      status = 304;
      res.status(304).end();
      return;
    }
    // If-Range with a stale validator means: send the whole (new) file.
    const ifRange = req.headers['if-range'];
    const decision = ifRange && ifRange !== etag ? { kind: 'full' as const } : decideRange(req.headers.range, size);
    if (decision.kind === 'unsatisfiable') {
      status = 416;
      res.status(416).setHeader('Content-Range', `bytes */${size}`).end();
      return;
    }
    const { start, end } = decision.kind === 'partial' ? decision.range : { start: 0, end: size };
    status = decision.kind === 'partial' ? 206 : 200;
    res.status(status);
    if (status === 206) res.setHeader('Content-Range', `bytes ${start}-${end - 1}/${size}`);
    res.setHeader('Content-Length', String(end - start));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    for await (const chunk of lease.image.stream(file, start, end)) {
      if (res.destroyed) break;
      sent += chunk.length;
      sentBytes.inc(chunk.length);
      if (!res.write(chunk)) await drainOrClose(res);
    }
    res.end();
  } catch (err) {
    o.log.warn({ iso: id, path, err: (err as Error).message }, 'media read failed mid-response');
    if (!res.headersSent) res.status(502).type('text/plain').send('read error\n');
    else res.destroy(err as Error);
    status = 502;
  } finally {
    lease.release();
    o.onFetch?.(req.socket.remoteAddress ?? '', `/media/${id}${path}`, sent, status);
  }
}

/** Waits for a backpressured response to drain or close, leaving no listener behind (a large file waits thousands of times). */
function drainOrClose(res: Response): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
