// Guest media and disk probes for the QEMU driver's end-to-end tests: a GRUB CD (from
// Debian's grub-rescue-pc) whose script prints a file from the floppy to the serial
// console and powers off, small ISOs with chosen volume labels, and raw disk reads and
// writes through qemu-io / qemu-img. Missing tools fail with the Debian package to install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GRUB_RESCUE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const TOOLS = [
  { path: GRUB_RESCUE, pkg: 'grub-rescue-pc' },
  { path: '/usr/bin/xorriso', pkg: 'xorriso' },
  { path: '/usr/bin/genisoimage', pkg: 'genisoimage' },
  { path: '/usr/bin/qemu-io', pkg: 'qemu-utils' },
  { path: '/usr/bin/qemu-img', pkg: 'qemu-utils' },
  { path: '/usr/bin/qemu-system-x86_64', pkg: 'qemu-system-x86' },
  { path: '/usr/share/OVMF/OVMF_CODE_4M.fd', pkg: 'ovmf' },
];

/** Throws naming the Debian packages to install when a tool these tests use is missing. */
export function requireGuestTools(): void {
  const missing = [...new Set(TOOLS.filter((t) => !existsSync(t.path)).map((t) => t.pkg))];
  if (missing.length) throw new Error(`the QEMU driver end-to-end tests need ${missing.join(' ')}: apt-get install ${missing.join(' ')}`);
}

/**
 * Writes `<dir>/<name>` (an ISO): GRUB for BIOS that prints `file` from the floppy (fd0)
 * between VIZOR-FLOPPY-BEGIN/END markers, lists the floppy's root, then powers the VM off.
 * GRUB reads FAT through the BIOS, so this is the guest reading the payload floppy.
 */
export function grubFloppyReaderIso(dir: string, name: string, file: string): string {
  const cfg = join(dir, 'grub.cfg');
  writeFileSync(cfg, [
    'serial --unit=0 --speed=115200',
    'terminal_input serial',
    'terminal_output serial',
    'insmod fat',
    'echo VIZOR-FLOPPY-BEGIN',
    `cat (fd0)/${file}`,
    'echo',
    'echo VIZOR-FLOPPY-END',
    'ls (fd0)/',
    'echo',
    'echo VIZOR-GRUB-HALT',
    'halt',
    '',
  ].join('\n'));
  const out = join(dir, name);
  // replay keeps the rescue image's El Torito boot set-up; only grub.cfg is replaced
  execFileSync('xorriso', ['-indev', GRUB_RESCUE, '-outdev', out, '-boot_image', 'any', 'replay', '-map', cfg, '/boot/grub/grub.cfg'], { stdio: 'pipe' });
  return out;
}

/** Writes a small ISO with the given volume label and root files. */
export function labelledIso(dir: string, name: string, label: string, files: Record<string, string>): string {
  const tree = join(dir, `${name}-tree`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(tree, f, '..'), { recursive: true });
    writeFileSync(join(tree, f), text);
  }
  const out = join(dir, name);
  execFileSync('genisoimage', ['-quiet', '-J', '-R', '-V', label, '-o', out, tree]);
  return out;
}

/** Fills the first 64 KiB of a qcow2 disk with `byte` (qemu-io, outside any VM). */
export function writeDiskPattern(disk: string, byte: number): void {
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x${byte.toString(16)} 0 64k`, disk], { stdio: 'pipe' });
}

/** The first 64 KiB of a qcow2 disk as a guest would see them (backing chain included). */
export function readDiskHead(disk: string, scratch: string): Buffer {
  const out = join(scratch, `head-${process.pid}-${Date.now()}.raw`);
  execFileSync('qemu-img', ['dd', '-f', 'qcow2', '-O', 'raw', 'bs=65536', 'count=1', `if=${disk}`, `of=${out}`], { stdio: 'pipe' });
  try {
    return readFileSync(out);
  } finally {
    rmSync(out, { force: true });
  }
}

/** `qemu-img info` of one image. */
export function qcowInfo(disk: string): { 'backing-filename'?: string; 'full-backing-filename'?: string; snapshots?: { name: string }[] } {
  return JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', disk], { encoding: 'utf8' })) as ReturnType<typeof qcowInfo>;
}

/** Pids of running qemu-system processes whose command line mentions `needle`. */
export function qemuPidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (cmd.includes('qemu-system') && cmd.includes(needle)) out.push(Number(pid));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
