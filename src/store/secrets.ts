import type { Db } from './db.js';
import { now } from './db.js';

/** One encrypted secret as stored (AES-256-GCM parts). */
export interface SealedSecret {
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** The secrets table: only ever sees ciphertext. */
export class SecretRepo {
  constructor(private readonly db: Db) {}

  /** Stores or replaces a sealed secret. */
  put(name: string, s: SealedSecret): void {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO secrets (name, nonce, ciphertext, tag, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, tag = excluded.tag, updated_at = excluded.updated_at`,
      )
      .run(name, s.nonce, s.ciphertext, s.tag, t, t);
  }

  /** A sealed secret, or null. */
  get(name: string): SealedSecret | null {
    const r = this.db.prepare('SELECT nonce, ciphertext, tag FROM secrets WHERE name = ?').get(name) as SealedSecret | undefined;
    return r ?? null;
  }

  /** Deletes a secret; absent is fine. */
  remove(name: string): void {
    this.db.prepare('DELETE FROM secrets WHERE name = ?').run(name);
  }
}
