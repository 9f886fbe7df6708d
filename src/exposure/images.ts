import { MediaImage } from '../media/index.js';
import { openAccess, parseSourceUrl, type SourceAccess } from '../catalog/index.js';
import type { Store } from '../store/index.js';
import { NotFoundError } from '../store/index.js';

/** A cataloged ISO opened for reading, with what HTTP needs to describe it. */
export interface OpenIso {
  readonly id: number;
  readonly image: MediaImage;
  readonly fingerprint: string;
  readonly mtimeMs: number;
}

interface Entry {
  readonly pending: Promise<OpenIso & { access: SourceAccess }>;
  lastUsed: number;
  /** Requests streaming from it right now; it is closed only at zero. */
  refs: number;
  /** Replaced or evicted while in use: close when the last reader releases it. */
  retired: boolean;
}

/** An open ISO lent to one request; call release() when the response is done. */
export interface IsoLease extends OpenIso {
  release(): void;
}

/**
 * Keeps cataloged ISOs open for serving: one source connection and one MediaImage per
 * ISO, reused across requests, closed when idle or when more than `max` are open. An ISO
 * whose catalog fingerprint changed is reopened.
 */
export class OpenIsoCache {
  private readonly entries = new Map<number, Entry>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly opts: { mountRoot: string; password: (secretName: string) => string | null; max?: number; idleMs?: number; smbClient?: 'auto' | 'kernel' | 'userspace' },
  ) {}

  /** Lends the ISO with catalog id `id`, opening it if needed; NotFoundError when it is unknown or missing. */
  async get(id: number): Promise<IsoLease> {
    const iso = this.store.query.getIso(String(id));
    if (iso.missing) throw new NotFoundError('ISO', String(id));
    const hit = this.entries.get(id);
    if (hit) {
      const open = await hit.pending.catch(() => null);
      if (open && open.fingerprint === iso.fingerprint) return this.lend(hit, open);
      this.drop(id);
    }
    const source = this.store.sources.get(iso.source);
    const pending = (async () => {
      const password = source.secretName ? this.opts.password(source.secretName) : null;
      const access = await openAccess(source.name, parseSourceUrl(source.url).location, password, this.opts.mountRoot, this.opts.smbClient ?? 'auto');
      try {
        const image = await MediaImage.open(await access.open(iso.path));
        return { id, image, fingerprint: iso.fingerprint, mtimeMs: iso.mtimeMs, access };
      } catch (err) {
        await access.close().catch(() => undefined);
        throw err;
      }
    })();
    const entry: Entry = { pending, lastUsed: Date.now(), refs: 0, retired: false };
    this.entries.set(id, entry);
    pending.catch(() => this.entries.delete(id));
    this.evict();
    this.timer ??= setInterval(() => this.sweep(), 15_000).unref();
    return this.lend(entry, await pending);
  }

  private lend(e: Entry, open: OpenIso): IsoLease {
    e.refs++;
    e.lastUsed = Date.now();
    let released = false;
    return {
      ...open,
      release: () => {
        if (released) return;
        released = true;
        e.refs--;
        e.lastUsed = Date.now();
        if (e.retired && e.refs === 0) this.closeEntry(e);
      },
    };
  }

  private drop(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    e.retired = true;
    if (e.refs === 0) this.closeEntry(e);
  }

  private closeEntry(e: Entry): void {
    void e.pending.then(async (o) => {
      await o.image.close().catch(() => undefined);
      await o.access.close().catch(() => undefined);
    }, () => undefined);
  }

  private evict(): void {
    const max = this.opts.max ?? 32;
    const idle = () => [...this.entries.entries()].filter(([, e]) => e.refs === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (this.entries.size > max) {
      const oldest = idle()[0];
      if (!oldest) break;
      this.drop(oldest[0]);
    }
  }

  private sweep(): void {
    const idle = this.opts.idleMs ?? 120_000;
    for (const [id, e] of this.entries) if (e.refs === 0 && Date.now() - e.lastUsed > idle) this.drop(id);
  }

  /** Closes everything. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const id of [...this.entries.keys()]) this.drop(id);
  }
}
