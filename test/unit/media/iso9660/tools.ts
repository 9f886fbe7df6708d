import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExtents } from '../../../../src/media/extent.js';
import type { MediaFileSystem } from '../../../../src/media/filesystem.js';
import type { RandomAccessSource } from '../../../../src/media/source.js';
import type { IsoNode } from '../../../../src/media/iso9660/view.js';

/** Helpers for tests that drive Debian's ISO tools as oracles. */

/** Fails (never skips) when `cmd` is missing, naming the Debian package that provides it. */
export function requireTool(cmd: string, pkg: string): void {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (res.status !== 0) assert.fail(`${cmd} is not installed: run 'apt-get install -y ${pkg}'`);
}

/** Runs a tool and returns its stdout; stderr is kept for the failure message. */
export function run(cmd: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    assert.fail(`${cmd} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

/** Runs a tool and returns its stdout as bytes. */
export function runBinary(cmd: string, args: string[]): Buffer {
  return execFileSync(cmd, args, { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temp directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vizor-iso9660-'));
}

/** Hex SHA-256 of `data`. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What a walk records per path: enough to compare trees. */
export interface Walked {
  isDirectory: boolean;
  size: number;
  sha256: string | null;
  symlinkTarget: string | null;
  mtimeSec: number | null;
}

/** Walks a view, reading every file, keyed by path relative to the root ("a/b.txt"). */
export async function walkView(fs: MediaFileSystem, source: RandomAccessSource): Promise<Map<string, Walked>> {
  const out = new Map<string, Walked>();
  async function visit(ref: unknown, prefix: string, depth: number): Promise<void> {
    assert.ok(depth < 64, 'walk too deep');
    const dir = await fs.resolve(ref);
    for (const e of await fs.readDir(dir)) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      assert.ok(!out.has(path), `duplicate path ${path}`);
      const node = (await fs.resolve(e.ref)) as IsoNode;
      assert.equal(node.isDirectory, e.isDirectory, `${path}: entry and node disagree`);
      const data = node.isDirectory ? null : await readExtents(source, node.extents, 0, node.size);
      out.set(path, {
        isDirectory: node.isDirectory,
        size: node.isDirectory ? 0 : node.size,
        sha256: data ? sha256(data) : null,
        symlinkTarget: node.symlinkTarget,
        mtimeSec: node.mtime ? Math.floor(node.mtime.getTime() / 1000) : null,
      });
      if (node.isDirectory) await visit(e.ref, path, depth + 1);
    }
  }
  await visit(fs.rootRef, '', 0);
  return out;
}

/** Walks a directory on disk the same way (symlinks not followed). */
export function walkDisk(root: string): Map<string, Walked> {
  const out = new Map<string, Walked>();
  function visit(dir: string, prefix: string): void {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const path = prefix ? `${prefix}/${name}` : name;
      const st = lstatSync(full);
      const mtimeSec = Math.floor(st.mtimeMs / 1000);
      if (st.isSymbolicLink()) {
        out.set(path, { isDirectory: false, size: 0, sha256: sha256(Buffer.alloc(0)), symlinkTarget: readlinkSync(full), mtimeSec });
      } else if (st.isDirectory()) {
        out.set(path, { isDirectory: true, size: 0, sha256: null, symlinkTarget: null, mtimeSec });
        visit(full, path);
      } else {
        out.set(path, { isDirectory: false, size: st.size, sha256: sha256(readFileSync(full)), symlinkTarget: null, mtimeSec });
      }
    }
  }
  visit(root, '');
  return out;
}

/** One row of `xorriso -report_el_torito plain`. */
export interface XorrisoBootImage {
  platform: string;
  bootable: boolean;
  emulation: string;
  loadSegment: number;
  systemType: number;
  loadSize: number;
  lba: number;
}

/** Parses the "El Torito boot img" rows that xorriso prints for an image. */
export function xorrisoElTorito(iso: string): { catalogLba: number | null; images: XorrisoBootImage[] } {
  const out = run('xorriso', ['-indev', iso, '-report_el_torito', 'plain']);
  const cat = /^El Torito catalog\s*:\s*(\d+)/m.exec(out);
  const images: XorrisoBootImage[] = [];
  for (const m of out.matchAll(/^El Torito boot img\s*:\s*\d+\s+(\S+)\s+([yn])\s+(\S+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\d+)\s+(\d+)\s*$/gim)) {
    images.push({
      platform: m[1]!,
      bootable: m[2] === 'y',
      emulation: m[3]!,
      loadSegment: Number(m[4]),
      systemType: Number(m[5]),
      loadSize: Number(m[6]),
      lba: Number(m[7]),
    });
  }
  return { catalogLba: cat ? Number(cat[1]) : null, images };
}

/** xorriso's column names for our platform names. */
export const XORRISO_PLATFORM: Record<string, string> = { x86: 'BIOS', uefi: 'UEFI', powerpc: 'PPC', mac: 'Mac' };
/** xorriso's column names for our media types. */
export const XORRISO_EMULATION: Record<string, string> = {
  'no-emulation': 'none',
  'floppy-1.2': 'fd1.2',
  'floppy-1.44': 'fd1.4',
  'floppy-2.88': 'fd2.8',
  'hard-disk': 'hd',
};
