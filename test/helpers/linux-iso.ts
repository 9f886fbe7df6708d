// Builds a small Debian-like installer ISO from the netboot kernel and initrd of the Debian
// package debian-installer-12-netboot-amd64, laid out as on a netinst ISO, and waits for
// node events recorded by a lab vizor.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vm } from './lab.js';

/** Where debian-installer-12-netboot-amd64 puts d-i's kernel (`linux`) and `initrd.gz`. */
export const DEBIAN_NETBOOT_DIR = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64';

/**
 * Writes `<dir>/isos/debian-12-netinst.iso` holding install.amd/vmlinuz, install.amd/initrd.gz
 * and a netinst-style `.disk/info`, and returns the `isos` folder (for a file source).
 */
export async function debianNetbootIso(dir: string): Promise<string> {
  const tree = join(dir, 'iso-tree');
  mkdirSync(join(tree, 'install.amd'), { recursive: true });
  mkdirSync(join(tree, '.disk'), { recursive: true });
  copyFileSync(join(DEBIAN_NETBOOT_DIR, 'linux'), join(tree, 'install.amd', 'vmlinuz'));
  copyFileSync(join(DEBIAN_NETBOOT_DIR, 'initrd.gz'), join(tree, 'install.amd', 'initrd.gz'));
  writeFileSync(join(tree, '.disk', 'info'), 'Debian GNU/Linux 12 "Bookworm" - Official amd64 NETINST with firmware (vizor test)');
  const isos = join(dir, 'isos');
  mkdirSync(isos, { recursive: true });
  execFileSync('genisoimage', ['-quiet', '-J', '-R', '-V', 'Debian 12 amd64 n', '-o', join(isos, 'debian-12-netinst.iso'), tree]);
  return isos;
}

type Ev = { kind: string; detail: Record<string, unknown> };

/** Polls `events()` until one matches; rejects on timeout or when the VM's QEMU exits. */
export async function waitForEvent(events: () => Ev[], match: (e: Ev) => boolean, timeoutMs: number, vm?: Vm): Promise<Ev> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = events().find(match);
    if (hit) return hit;
    if (vm?.process.hasExited()) throw new Error(`VM ${vm.name} exited before the event`);
    if (Date.now() >= deadline) throw new Error(`no matching event within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
