import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from './errors.js';
import type { RouteScope } from './route.js';
import type { TokenInfo, TokenStore } from './tokens-store.js';

/**
 * The token authorising a request for a route of `scope`: null for public routes, else the
 * token's record. Throws UnauthorizedError (one message whatever was wrong: absent,
 * malformed, unknown, revoked, expired) or ForbiddenError (a read token on an admin route).
 * The token is read from the header only; it is never logged or echoed.
 */
export function authorise(req: Request, scope: RouteScope, tokens: TokenStore): TokenInfo | null {
  if (scope === 'public') return null;
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  const info = m ? tokens.verify(m[1]!) : null;
  if (!info) throw new UnauthorizedError();
  if (scope === 'admin' && info.scope !== 'admin') throw new ForbiddenError(info.scope, 'admin');
  return info;
}
