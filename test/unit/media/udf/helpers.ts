import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamExtents } from '../../../../src/media/extent.js';
import type { MediaFileSystem, MediaNode } from '../../../../src/media/filesystem.js';
import type { RandomAccessSource } from '../../../../src/media/source.js';

/** The repository root (tests run from dist/test/unit/media/udf). */
export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** Fails (never skips) when a Debian tool is missing, naming the package to install. */
export function requireTool(command: string, pkg: string): void {
  const res = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${command} not found: install the Debian package ${pkg} (apt-get install ${pkg})`);
}

/** Runs a command, throwing with its stderr when it fails. */
export function run(command: string, args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const res = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

/** Every node below the root, keyed by '/'-joined path (directories end with '/'). */
export async function walkTree(fs: MediaFileSystem): Promise<Map<string, MediaNode>> {
  const out = new Map<string, MediaNode>();
  const visit = async (ref: unknown, path: string): Promise<void> => {
    const node = await fs.resolve(ref);
    out.set(node.isDirectory ? `${path}/` : path, node);
    if (!node.isDirectory) return;
    for (const e of await fs.readDir(node)) await visit(e.ref, `${path}/${e.name}`);
  };
  await visit(fs.rootRef, '');
  return out;
}

/** SHA-256 of a node's bytes read through its extents. */
export async function sha256Node(source: RandomAccessSource, node: MediaNode): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of streamExtents(source, node.extents, 0, node.size)) hash.update(chunk);
  return hash.digest('hex');
}

/** SHA-256 of every regular file under `dir`, keyed by '/'-prefixed relative path. */
export function hashLocalTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) visit(p);
      else out.set(`/${relative(dir, p)}`, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  visit(dir);
  return out;
}
