import { copyFileSync, linkSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { testMediaDir } from './media.js';

/** A temp folder of ISOs made from the test media (hard links where possible). */
export async function isoFolder(files: Record<string, string>): Promise<string> {
  const media = await testMediaDir();
  const root = mkdtempSync(join(tmpdir(), 'vizor-isos-'));
  for (const [target, fixture] of Object.entries(files)) {
    const dest = join(root, target);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      linkSync(join(media, fixture), dest);
    } catch {
      copyFileSync(join(media, fixture), dest);
    }
  }
  return root;
}

/** A fresh data dir and key file for one test. */
export function tempApp(): { dataDir: string; keyFile: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'vizor-app-'));
  const dataDir = join(root, 'data');
  const keyFile = join(root, 'etc', 'secret.key');
  return { dataDir, keyFile, env: { VIZOR_DATA_DIR: dataDir, VIZOR_SECRETS_KEY_FILE: keyFile, HOME: root } };
}
