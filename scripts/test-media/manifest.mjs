#!/usr/bin/env node
// Writes OUTDIR/manifest.json from the per-image notes build.sh left in OUTDIR/meta and
// from the kept source trees, so tests can compare what the readers return with the
// original bytes. Usage: node manifest.mjs OUTDIR STAMP
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const [outdir, stamp] = process.argv.slice(2);
if (!outdir || !stamp) {
  console.error('usage: manifest.mjs OUTDIR STAMP');
  process.exit(2);
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// Hash of [offset, offset+length) of a file, read in 1 MiB pieces (files can be > 4 GiB).
function rangeHash(path, offset, length) {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.alloc(1 << 20);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, length - done), offset + done);
      if (n === 0) throw new Error(`${path}: short read at ${offset + done}`);
      hash.update(buf.subarray(0, n));
      done += n;
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

// Every entry of a tree, sorted by path; '/'-separated paths relative to the tree root.
function walk(root, rel = '') {
  const out = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const full = join(root, path);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out.push({ path, type: 'symlink', target: readlinkSync(full) });
    else if (st.isDirectory()) {
      out.push({ path, type: 'dir' });
      out.push(...walk(root, path));
    } else out.push({ path, type: 'file', size: st.size, sha256: sha256(readFileSync(full)) });
  }
  return out;
}

const MiB = 1 << 20;
const GiB4 = 2 ** 32;

function describeLarge(file) {
  const size = statSync(file).size;
  const ranges = [
    [0, MiB],
    [GiB4 - MiB / 2, MiB],
    [size - MiB, MiB],
  ].filter(([o, l]) => o >= 0 && o + l <= size);
  return { size, ranges: ranges.map(([offset, length]) => ({ offset, length, sha256: rangeHash(file, offset, length) })) };
}

const images = {};
for (const metaFile of readdirSync(join(outdir, 'meta')).sort()) {
  const name = metaFile.replace(/\.json$/, '');
  const meta = JSON.parse(readFileSync(join(outdir, 'meta', metaFile), 'utf8'));
  const tree = `trees/${name.replace(/\.iso$/, '')}`;
  const entry = { file: name, size: statSync(join(outdir, name)).size, tree, ...meta };
  if (meta.largeFiles) {
    entry.largeFiles = meta.largeFiles.map((f) => ({ ...f, ...describeLarge(join(outdir, f.copy)) }));
  }
  entry.entries = walk(join(outdir, tree));
  images[name] = entry;
}

const wims = {};
for (const name of readdirSync(join(outdir, 'wims')).sort()) {
  const file = join(outdir, 'wims', name);
  const size = statSync(file).size;
  wims[name] = size > 256 * MiB ? { file: `wims/${name}`, ...describeLarge(file) } : { file: `wims/${name}`, size, sha256: rangeHash(file, 0, size) };
}

const manifest = {
  version: 1,
  generatedBy: 'scripts/test-media/build.sh',
  stamp,
  notes: [
    'Paths are relative to this directory. trees/<image>/ holds the exact source tree of each ISO (large files omitted, see treeOmits).',
    'WIM GUIDs and XML times differ per build; compare WIM contents with wimlib-imagex output, not with fixed values.',
  ],
  images,
  wims,
};
writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
