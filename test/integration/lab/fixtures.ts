// Shared pieces of the lab's own boot tests: the iPXE script the VMs must run, and a way to
// pick one client's transactions out of dnsmasq's --log-dhcp output.
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_PATHS } from '../../helpers/lab.js';

/** What boot.ipxe prints; the groups are platform, MAC and IPv4 address. */
export const BOOT_OK = /VIZOR-LAB-OK platform=(\S+) mac=(\S+) ip=(\S+)/;

/** A temp dir holding boot.ipxe (prints BOOT_OK) and Debian's snponly.efi. */
export async function bootFiles(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vizor-lab-boot-'));
  await writeFile(join(dir, 'boot.ipxe'), '#!ipxe\necho VIZOR-LAB-OK platform=${platform} mac=${net0/mac} ip=${net0/ip}\n');
  await copyFile(LAB_PATHS.snponly, join(dir, 'snponly.efi'));
  return dir;
}

/**
 * dnsmasq's DHCP log lines grouped by transaction id, keeping only the transactions that
 * mention mac: one string per transaction.
 */
export function dhcpTransactions(log: string, mac: string): string[] {
  const byXid = new Map<string, string[]>();
  for (const m of log.matchAll(/dnsmasq-dhcp\[\d+\]: (\d+) (.*)$/gm)) {
    const xid = m[1] ?? '';
    byXid.set(xid, [...(byXid.get(xid) ?? []), m[2] ?? '']);
  }
  return [...byXid.values()].filter((lines) => lines.some((l) => l.toLowerCase().includes(mac))).map((l) => l.join('\n'));
}
