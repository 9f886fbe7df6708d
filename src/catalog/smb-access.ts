import type { RandomAccessSource } from '../media/index.js';
import { SmbClient } from '../media/smb/index.js';
import { MAX_WALK_DEPTH, type FoundIso, type SourceAccess } from './access.js';
import { SourceUnavailableError } from './errors.js';
import type { SourceLocation } from './url.js';

const ISO_NAME = /\.iso$/i;

/** ISOs on an SMB share, read in user space with random access. */
export class SmbAccess implements SourceAccess {
  private constructor(private readonly client: SmbClient, private readonly base: string) {}

  static async connect(name: string, loc: Extract<SourceLocation, { kind: 'smb' }>, password: string | null): Promise<SmbAccess> {
    try {
      const client = await SmbClient.connect({
        host: loc.host,
        port: loc.port ?? undefined,
        share: loc.share,
        domain: loc.domain ?? undefined,
        user: loc.user ?? undefined,
        password: password ?? undefined,
      });
      return new SmbAccess(client, loc.path);
    } catch (err) {
      throw new SourceUnavailableError(name, (err as Error).message, { cause: err });
    }
  }

  /** Bytes of file data that crossed the network through this connection. */
  get bytesTransferred(): number {
    return this.client.bytesTransferred;
  }

  async *walk(): AsyncGenerator<FoundIso> {
    yield* this.walkDir('', 0);
  }

  private full(rel: string): string {
    return [this.base, rel].filter(Boolean).join('/');
  }

  private async *walkDir(rel: string, depth: number): AsyncGenerator<FoundIso> {
    if (depth > MAX_WALK_DEPTH) return;
    const entries = await this.client.list(this.full(rel));
    const subdirs: string[] = [];
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) subdirs.push(p);
      else if (ISO_NAME.test(e.name)) yield { path: p, size: e.size, mtimeMs: e.mtime.getTime() };
    }
    for (const s of subdirs.sort()) yield* this.walkDir(s, depth + 1);
  }

  open(path: string): Promise<RandomAccessSource> {
    return this.client.openSource(this.full(path));
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
