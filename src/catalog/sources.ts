import type { SecretStore } from '../secrets/index.js';
import type { SourceRow, Store } from '../store/index.js';
import { openAccess } from './access.js';
import { SourceUrlError } from './errors.js';
import { parseSourceUrl } from './url.js';

/** The result of `vizor source test`. */
export interface SourceTestResult {
  readonly ok: boolean;
  readonly source: string;
  /** ISOs found (the walk stops early after `limit`). */
  readonly isos: number;
  readonly truncated: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/** Where a source's password is kept in the secrets store. */
export function sourceSecretName(source: string): string {
  return `source:${source}`;
}

/** Adds, tests and removes sources; credentials go to the secrets store, never the URL. */
export class SourceService {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretStore,
    private readonly mountRoot: string,
    private readonly smbClient: 'auto' | 'kernel' | 'userspace' = 'auto',
  ) {}

  /** Adds a source. A password may come separately or inside the URL; either way it is stored encrypted. */
  add(name: string, rawUrl: string, password?: string | null): SourceRow {
    if (!NAME.test(name)) throw new SourceUrlError(`bad source name "${name}": use letters, digits, '.', '_' or '-' (up to 63)`);
    const parsed = parseSourceUrl(rawUrl);
    const secret = password ?? parsed.password;
    if (secret && parsed.location.kind !== 'smb') throw new SourceUrlError(`${parsed.location.kind} sources take no password`);
    const secretName = secret ? sourceSecretName(name) : null;
    const row = this.store.sources.add({ name, kind: parsed.location.kind, url: parsed.url, secretName });
    if (secret && secretName) this.secrets.set(secretName, secret);
    return row;
  }

  /** Removes a source, what was cataloged from it, and its stored password. */
  remove(name: string): void {
    const row = this.store.sources.get(name);
    this.store.sources.remove(name);
    if (row.secretName) this.secrets.remove(row.secretName);
  }

  /** Connects to a source and counts the ISOs it holds, stopping after `limit`. */
  async test(name: string, limit = 1000): Promise<SourceTestResult> {
    const row = this.store.sources.get(name);
    let isos = 0;
    let truncated = false;
    try {
      const password = row.secretName ? this.secrets.get(row.secretName) : null;
      const access = await openAccess(name, parseSourceUrl(row.url).location, password, this.mountRoot, this.smbClient);
      try {
        for await (const _ of access.walk()) {
          if (++isos >= limit) {
            truncated = true;
            break;
          }
        }
      } finally {
        await access.close();
      }
      return { ok: true, source: name, isos, truncated, error: null };
    } catch (err) {
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'INTERNAL';
      return { ok: false, source: name, isos, truncated, error: { code, message: (err as Error).message } };
    }
  }

  /** Looks up a source's password. */
  password(secretName: string): string | null {
    return this.secrets.get(secretName);
  }
}
