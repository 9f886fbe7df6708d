// Prints the files of a built vizor tree that make up an installation, one relative path
// a line: the compiled program (dist/src), its launcher, templates, native addons, the
// appliance files and the production node_modules (package-lock.json's non-dev packages).
// Usage: node tree-files.mjs <tree>
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: node tree-files.mjs <tree>');
  process.exit(2);
}
const out = [];

/** Adds every regular file below rel; nested node_modules are listed by the lock file instead. */
function walk(rel, skipNodeModules) {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (!(skipNodeModules && e.name === 'node_modules')) walk(p, skipNodeModules);
    } else if (e.isFile()) out.push(p);
  }
}

for (const f of ['package.json', 'package-lock.json', 'README.md', 'USAGE.md', 'DEBUGGING.md', 'LICENSE']) {
  if (existsSync(join(root, f))) out.push(f);
}
for (const d of ['bin', 'templates', 'sequences', 'appliance', 'dist/src']) {
  if (existsSync(join(root, d))) walk(d, false);
}
// The addons and the FUSE helper; not the object files beside them.
for (const e of readdirSync(join(root, 'build/Release'), { withFileTypes: true })) {
  if (e.isFile() && (e.name.endsWith('.node') || e.name === 'vizor-isofs')) out.push(`build/Release/${e.name}`);
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
for (const [path, meta] of Object.entries(lock.packages ?? {})) {
  if (!path.startsWith('node_modules/') || meta.dev || meta.link) continue;
  // Optional packages for other platforms are in the lock file but not on disk.
  if (existsSync(join(root, path))) walk(path, true);
}
process.stdout.write(out.map((p) => `${p}\n`).join(''));
