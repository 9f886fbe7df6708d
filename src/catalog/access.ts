import { opendir, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource, type RandomAccessSource } from '../media/index.js';
import { SourceUnavailableError } from './errors.js';
import type { SourceLocation } from './url.js';

/** An ISO found while walking a source. */
export interface FoundIso {
  /** Path relative to the source root, '/'-separated. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What the scanner needs from a source: find ISOs, and read one with random access. */
export interface SourceAccess {
  walk(): AsyncGenerator<FoundIso>;
  open(path: string): Promise<RandomAccessSource>;
  close(): Promise<void>;
}

/** Deepest folder nesting walked below a source root. */
export const MAX_WALK_DEPTH = 32;
const ISO_NAME = /\.iso$/i;

/** ISOs on a local (or kernel-mounted) file system. Symlinked folders are not followed. */
export class FileAccess implements SourceAccess {
  constructor(private readonly root: string, private readonly sourceName: string) {}

  async *walk(): AsyncGenerator<FoundIso> {
    try {
      const st = await stat(this.root);
      if (!st.isDirectory()) throw new SourceUnavailableError(this.sourceName, `${this.root} is not a folder`);
    } catch (err) {
      if (err instanceof SourceUnavailableError) throw err;
      throw new SourceUnavailableError(this.sourceName, `cannot read ${this.root}: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
    }
    yield* this.walkDir('', 0);
  }

  private async *walkDir(rel: string, depth: number): AsyncGenerator<FoundIso> {
    if (depth > MAX_WALK_DEPTH) return;
    const dir = await opendir(join(this.root, rel));
    const subdirs: string[] = [];
    for await (const d of dir) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) subdirs.push(p);
      else if ((d.isFile() || d.isSymbolicLink()) && ISO_NAME.test(d.name)) {
        const st = await stat(join(this.root, p)).catch(() => null);
        if (st?.isFile()) yield { path: p, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
      }
    }
    for (const s of subdirs.sort()) yield* this.walkDir(s, depth + 1);
  }

  open(path: string): Promise<RandomAccessSource> {
    return FileSource.open(join(this.root, path));
  }

  async close(): Promise<void> {}
}

/** True when the running kernel has an NFS client (nfs or nfs4 in /proc/filesystems). */
export function kernelHasNfs(filesystems = '/proc/filesystems'): boolean {
  try {
    return /\bnfs4?\b/.test(readFileSync(filesystems, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Opens access to a source location. SMB goes through the kernel's CIFS client when
 * `smbClient` allows and the machine has it, else vizor's user-space client.
 */
export async function openAccess(name: string, loc: SourceLocation, password: string | null, mountRoot: string, smbClient: 'auto' | 'kernel' | 'userspace' = 'auto'): Promise<SourceAccess> {
  switch (loc.kind) {
    case 'file':
      return new FileAccess(loc.path, name);
    case 'smb': {
      const { chooseSmbClient, probeCifs, mountCifs } = await import('./cifs-access.js');
      const choice = chooseSmbClient(smbClient, probeCifs());
      if (choice.use === 'kernel') {
        if (choice.missing) throw new SourceUnavailableError(name, `catalog.smbClient is 'kernel' but ${choice.missing}`);
        return mountCifs(name, loc, password, mountRoot);
      }
      const { SmbAccess } = await import('./smb-access.js');
      return SmbAccess.connect(name, loc, password);
    }
    case 'nfs': {
      const { mountNfs } = await import('./nfs-access.js');
      return mountNfs(name, loc, mountRoot);
    }
  }
}
