import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/helpers/media.js or test/helpers/media.ts: the repo root is three levels up.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
const buildScript = join(repoRoot, 'scripts', 'test-media', 'build.sh');

let built: Promise<string> | undefined;

function runBuild(): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'bash',
      [buildScript],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, env: process.env },
      (err, stdout, stderr) => {
        if (err) {
          const missing = /install the Debian packages: (.*)/.exec(stderr)?.[1];
          const hint = missing
            ? `missing tools for the test media: install the Debian packages ${missing} (bash scripts/test-media/deps.sh)`
            : `scripts/test-media/build.sh failed (exit ${err.code ?? '?'})`;
          reject(new Error(`${hint}\n${stderr.trim()}`));
          return;
        }
        const lines = stdout.trim().split('\n');
        const dir = lines[lines.length - 1];
        if (!dir) reject(new Error('scripts/test-media/build.sh printed no output directory'));
        else resolvePromise(dir);
      },
    );
  });
}

/**
 * Builds (or reuses the cached) test media and returns its directory. Throws, naming the
 * Debian packages to install, when a tool is missing: media tests fail, never skip.
 */
export function testMediaDir(): Promise<string> {
  built ??= runBuild();
  return built;
}

/** Absolute path of one test image or WIM, e.g. `win10.iso` or `wims/win10-install.wim`. */
export async function testImagePath(name: string): Promise<string> {
  const path = join(await testMediaDir(), name);
  try {
    await access(path);
  } catch {
    throw new Error(`test media ${name} does not exist in ${dirname(path)}; see manifest.json there for the list`);
  }
  return path;
}

/** The parsed manifest.json written by the test-media builder. */
export async function testMediaManifest(): Promise<TestMediaManifest> {
  return JSON.parse(await readFile(join(await testMediaDir(), 'manifest.json'), 'utf8')) as TestMediaManifest;
}

/** One file, directory or symlink of a kept source tree. */
export interface TestMediaEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  size?: number;
  sha256?: string;
  target?: string;
}

/** Shape of manifest.json (fields beyond these are image-specific). */
export interface TestMediaManifest {
  version: number;
  stamp: string;
  images: Record<string, { file: string; size: number; tree: string; kind: string; label: string; entries: TestMediaEntry[]; [key: string]: unknown }>;
  wims: Record<string, { file: string; size: number; sha256?: string; ranges?: { offset: number; length: number; sha256: string }[] }>;
}
