import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Db } from '../store/index.js';
import { AlreadyExistsError, NotFoundError, now } from '../store/index.js';
import { ValidationError } from './errors.js';

/** What a token may do: read (GET) or everything. */
export type TokenScope = 'read' | 'admin';

/** A token as listed: never the token itself. */
export interface TokenInfo {
  readonly id: number;
  readonly name: string;
  readonly scope: TokenScope;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
  readonly state: 'active' | 'expired' | 'revoked';
}

interface Raw {
  id: number;
  name: string;
  scope: TokenScope;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Token names: like source and hypervisor names. */
export const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
// `vzt_` + 32 random bytes in base64url (43 characters, no padding).
const TOKEN_SHAPE = /^vzt_[A-Za-z0-9_-]{43}$/;
// last_used_at is refreshed at most this often, so reads do not each cost a write.
const TOUCH_MS = 60_000;

/**
 * API tokens. A token is `vzt_<base64url of 32 random bytes>`, shown once. The table holds
 * HMAC-SHA256(k, token) with k derived (HKDF) from the secrets key: the hash is the lookup
 * key (one indexed read, no per-token salt to try), and a copy of the database without
 * the key file cannot be used to check guesses. Replacing the key file revokes every token.
 */
export class TokenStore {
  private hmacKey: Buffer | null = null;

  constructor(private readonly db: Db, private readonly secretsKey: () => Buffer) {}


  private hash(token: string): Buffer {
    this.hmacKey ??= Buffer.from(hkdfSync('sha256', this.secretsKey(), Buffer.alloc(0), 'vizor api tokens v1', 32));
    return createHmac('sha256', this.hmacKey).update(token, 'utf8').digest();
  }

  /** Creates a token; returns it (the only time it exists outside the caller) with its record. */
  create(o: { name: string; scope: TokenScope; expiresInDays?: number | null; at?: Date }): { token: string; info: TokenInfo } {
    if (!TOKEN_NAME.test(o.name)) throw ValidationError.of('body', 'name', "use letters, digits, '.', '_' or '-' (up to 63)");
    const days = o.expiresInDays ?? null;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) throw ValidationError.of('body', 'expiresInDays', 'must be a whole number of days from 1 to 3650');
    const at = o.at ?? new Date();
    const expiresAt = days === null ? null : new Date(at.getTime() + days * 86_400_000).toISOString();
    const token = `vzt_${randomBytes(32).toString('base64url')}`;
    try {
      this.db.prepare('INSERT INTO api_tokens (name, hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(o.name, this.hash(token), o.scope, at.toISOString(), expiresAt);
    } catch (err) {
      if (String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) throw new AlreadyExistsError('token', o.name);
      throw err;
    }
    return { token, info: this.active(o.name) };
  }

  /** Every token, revoked and expired ones included, newest first. */
  list(): TokenInfo[] {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY id DESC').all() as Raw[]).map((r) => toInfo(r));
  }

  /** Revokes the active token of that name. */
  revoke(name: string): TokenInfo {
    const t = this.active(name);
    this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(now(), t.id);
    return toInfo(this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(t.id) as Raw);
  }

  /** The token's record when it is usable now (known, not revoked, not expired), else null. */
  verify(token: string, at: Date = new Date()): TokenInfo | null {
    if (!TOKEN_SHAPE.test(token)) return null;
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE hash = ?').get(this.hash(token)) as Raw | undefined;
    if (!r) return null;
    const info = toInfo(r, at);
    if (info.state !== 'active') return null;
    if (!r.last_used_at || at.getTime() - Date.parse(r.last_used_at) >= TOUCH_MS) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at.toISOString(), r.id);
    }
    return info;
  }

  private active(name: string): TokenInfo {
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE name = ? AND revoked_at IS NULL').get(name) as Raw | undefined;
    if (!r) throw new NotFoundError('token', name);
    return toInfo(r);
  }
}

function toInfo(r: Raw, at: Date = new Date()): TokenInfo {
  const state = r.revoked_at ? 'revoked' : r.expires_at && Date.parse(r.expires_at) <= at.getTime() ? 'expired' : 'active';
  return { id: r.id, name: r.name, scope: r.scope, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, state };
}
