// Payload media and disk reads for the test-guest end-to-end test: vizor.txt contents, a
// CD payload made with genisoimage (Joliet + Rock Ridge, like room payload ISOs), and the
// head of a qcow2 disk read with qemu-img.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A vizor.txt payload (KEY=VALUE lines) with the given line ending. */
export function vizorTxt(values: Record<string, string>, eol: '\n' | '\r\n'): Buffer {
  return Buffer.from(Object.entries(values).map(([k, v]) => `${k}=${v}${eol}`).join(''));
}

/** Writes `<dir>/<name>`, an ISO holding the given root files; returns its path. */
export function payloadIso(dir: string, name: string, files: Record<string, Buffer>): string {
  const tree = join(dir, `${name}-tree`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(join(tree, f), content);
  const out = join(dir, name);
  execFileSync('genisoimage', ['-quiet', '-J', '-R', '-input-charset', 'utf-8', '-V', 'VIZOR_PAYLOAD', '-o', out, tree]);
  return out;
}

/** The first `bytes` bytes of a disk image (qcow2 or raw) as a guest sees them. */
export function readDiskHead(disk: string, bytes: number, scratch: string): Buffer {
  const out = join(scratch, `head-${process.pid}-${Date.now()}.raw`);
  execFileSync('qemu-img', ['dd', '-O', 'raw', `bs=${bytes}`, 'count=1', `if=${disk}`, `of=${out}`], { stdio: 'pipe' });
  try {
    return readFileSync(out);
  } finally {
    rmSync(out, { force: true });
  }
}
