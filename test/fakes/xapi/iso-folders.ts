import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XapiDb } from './db.js';
import { XapiFault } from './faults.js';

/** An image file as an ISO SR's scan sees it. */
export interface IsoImage {
  readonly name: string;
  readonly size: number;
}

/** What ISO SRs list: `.iso` and `.img` files, any case (sm's ISOSR `list_images`). */
const IMAGE_RE = /\.(iso|img)$/i;

/**
 * The storage folders of the fake's ISO SRs: one directory per SR under a temp root, the
 * stand-in for the NFS/CIFS share a real ISO SR mounts. Tests (and vizor, through its
 * payloadDir option) write files here; SR.scan turns them into VDIs.
 */
export class IsoFolders {
  private readonly dirs = new Map<string, string>();
  private root: string | undefined;

  /** Gives every ISO SR of `db` a folder holding a sparse file for each of its VDIs (the seeded ISOs). */
  adopt(db: XapiDb): void {
    for (const [ref, sr] of db.all('SR')) {
      if (sr['content_type'] !== 'iso' || this.dirs.has(ref)) continue;
      const dir = this.create(ref, String(sr['uuid']));
      for (const [, vdi] of db.all('VDI')) {
        if (vdi['SR'] === ref && vdi['location']) sparseFile(join(dir, String(vdi['location'])), Number(vdi['virtual_size']));
      }
    }
  }

  /** A fresh, empty folder for SR `ref`. */
  create(ref: string, uuid: string): string {
    this.root ??= mkdtempSync(join(tmpdir(), 'xapi-fake-sr-'));
    const dir = join(this.root, uuid);
    mkdirSync(dir, { recursive: true });
    this.dirs.set(ref, dir);
    return dir;
  }

  /** The folder of SR `ref`, if it is an ISO SR of this fake. */
  dir(ref: string): string | undefined {
    return this.dirs.get(ref);
  }

  /**
   * The image files in the folder of SR `ref` (directories and other names skipped).
   * A folder that is gone fails the way sm's ISOSR scan does: SR_BACKEND_FAILURE_47
   * (SRUnavailable) with "no such directory".
   */
  images(ref: string): IsoImage[] {
    const dir = this.dirs.get(ref);
    const unavailable = (): XapiFault => new XapiFault('SR_BACKEND_FAILURE_47', ['', `The SR is not available [opterr=no such directory ${dir ?? ref}]`, '']);
    if (!dir) throw unavailable();
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      throw unavailable();
    }
    const out: IsoImage[] = [];
    for (const name of names.filter((n) => IMAGE_RE.test(n)).sort()) {
      try {
        const st = statSync(join(dir, name));
        if (st.isFile()) out.push({ name, size: st.size });
      } catch {
        // removed between readdir and stat: not there for this scan
      }
    }
    return out;
  }

  /** Writes a sparse file of `size` bytes into SR `ref`'s folder (no-op when it exists). */
  putSparse(ref: string, name: string, size: number): void {
    const dir = this.dirs.get(ref);
    if (!dir) throw new Error(`xapi fake: ${ref} is not an ISO SR with a folder`);
    sparseFile(join(dir, name), size, true);
  }

  /** Deletes every folder. */
  close(): void {
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
    this.dirs.clear();
  }
}

/** A file of `size` bytes that takes no disk space (seeded ISOs are hundreds of MiB). */
function sparseFile(path: string, size: number, keepExisting = false): void {
  let fd: number;
  try {
    fd = openSync(path, keepExisting ? 'wx' : 'w', 0o644);
  } catch (err) {
    if (keepExisting && (err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
