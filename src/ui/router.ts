import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Content-Security-Policy of every UI answer: only vizor's own scripts, styles and
 * API; no inline script or style, no frames, no form posts elsewhere.
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The file types the UI ships; anything else under /ui/ is not served. */
export const UI_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Options of the UI router. */
export interface UiRouterOptions {
  /** Folder of the UI's static files; default: `ui/` of the vizor installation. */
  readonly root?: string;
  /** Redirect `GET /` to `/ui/` (default true): the appliance's address opens the UI. */
  readonly redirectRoot?: boolean;
}

/** The `ui/` folder beside dist/ (compiled) or beside src/ (run from sources). */
export function defaultUiRoot(): string {
  const compiled = fileURLToPath(new URL('../../../ui/', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../../ui/', import.meta.url));
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': UI_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    // Revalidate every time (ETag): a vizor upgrade must not leave a stale UI in the browser.
    'Cache-Control': 'no-cache',
  });
  next();
}

/** Unknown types are refused before send() would guess one. */
function knownTypesOnly(req: Request, res: Response, next: NextFunction): void {
  const path = req.path.endsWith('/') ? `${req.path}index.html` : req.path;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.status(405).set('Allow', 'GET, HEAD').type('text/plain').send('method not allowed\n');
    return;
  }
  if (!UI_CONTENT_TYPES[extname(path).toLowerCase()]) {
    res.status(404).type('text/plain').send('not found\n');
    return;
  }
  next();
}

/**
 * The web UI: static files from `ui/` at `/ui/` with fixed content types, a strict CSP and
 * no caching without revalidation. It talks to the REST API at /api/v1 with the
 * user's token; it holds no state of its own on the server.
 */
export function uiRouter(o: UiRouterOptions = {}): Router {
  const root = o.root ?? defaultUiRoot();
  const router = express.Router();
  if (o.redirectRoot ?? true) {
    router.get('/', (_req, res) => {
      res.redirect(302, '/ui/');
    });
  }
  // `/ui` alone: the relative URLs in index.html need the trailing slash.
  router.get('/ui', (req, res, next) => {
    if (req.originalUrl.split('?')[0] !== '/ui') return next();
    res.redirect(301, '/ui/');
  });
  router.use(
    '/ui',
    securityHeaders,
    knownTypesOnly,
    express.static(root, {
      index: 'index.html',
      dotfiles: 'ignore',
      redirect: false,
      fallthrough: true,
      setHeaders: (res, file) => {
        res.setHeader('Content-Type', UI_CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
      },
    }),
    (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('not found\n');
    },
  );
  return router;
}
