import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { createServer, type Server } from 'node:http';
import type { Logger } from '../log/index.js';
import { VizorError } from '../errors.js';
import { httpMetrics, metricsRouter, sharedMetrics, type VizorMetrics } from '../metrics/index.js';

/** The HTTP front: request metrics, health endpoints, /metrics, the given routers, one error translator. */
export function createHttpApp(routers: readonly Router[], ready: () => boolean, log: Logger, metrics: VizorMetrics = sharedMetrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(httpMetrics(metrics.http));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ok = ready();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'starting' });
  });
  // Unauthenticated like the health endpoints, and mounted before any router that might add auth.
  app.use(metricsRouter(metrics.registry));
  for (const r of routers) app.use(r);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
  });
  // Express recognises error handlers by their four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = err instanceof VizorError;
    if (!known) log.error({ err, path: req.path }, 'unhandled error in HTTP handler');
    if (res.headersSent) return;
    res.status(known ? 400 : 500).json({ error: { code: known ? err.code : 'INTERNAL', message: known ? err.message : 'internal error' } });
  });
  return app;
}

/** Listens on host:port; the error says what to do when the port is taken or privileged. */
export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? ' (another process uses it; set http.port)' : err.code === 'EACCES' ? ' (run as root or choose a port above 1023)' : '';
      reject(new ListenError(`listen tcp ${host}:${port}: ${err.code ?? err.message}${hint}`, { cause: err }));
    });
    server.listen(port, host, () => resolve(server));
  });
}

/** A server socket could not be opened. */
export class ListenError extends VizorError {
  readonly code = 'LISTEN' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
