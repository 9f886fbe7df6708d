import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import type { HttpMetrics, HttpRouteGroup } from './instruments.js';

const GROUPS: readonly [string, HttpRouteGroup][] = [
  ['/boot/', 'boot'],
  ['/answers/', 'answers'],
  ['/media/', 'media'],
  ['/api/', 'api'],
];

/** The route group of a request path; the path itself is never a label (unbounded). */
export function routeGroup(path: string): HttpRouteGroup {
  for (const [prefix, group] of GROUPS) if (path.startsWith(prefix) || path === prefix.slice(0, -1)) return group;
  return 'other';
}

/** '2xx' .. '5xx' for a status code; anything outside 100..599 is 'other'. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/**
 * Express middleware counting every request by route group and status class and timing
 * it until the response finishes, or the client closes the connection first.
 */
export function httpMetrics(m: HttpMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = performance.now();
    const route = routeGroup(req.path);
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      m.requests.inc({ route, status_class: statusClass(res.statusCode) });
      m.duration.observe({ route }, (performance.now() - start) / 1000);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}

const withProcessMetrics = new WeakSet<Registry>();

/** Adds prom-client's process and Node.js runtime metrics to `registry` once (only where metrics are served). */
export function enableProcessMetrics(registry: Registry): void {
  if (withProcessMetrics.has(registry)) return;
  withProcessMetrics.add(registry);
  collectDefaultMetrics({ register: registry });
}

/**
 * GET /metrics in the Prometheus text format, without authentication: Prometheus scrapes
 * without credentials by convention, and the values are only counts, durations and states,
 * with no secrets and no per-machine labels.
 */
export function metricsRouter(registry: Registry): Router {
  enableProcessMetrics(registry);
  const router = express.Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.setHeader('Content-Type', registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
