// Network namespaces for DHCP interop tests: created per test run, always deleted.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Fails (never skips) naming the Debian package when a tool is missing. */
export function requireTool(cmd: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} not found: install the Debian package ${pkg}`);
}

/** Runs `ip ...`, throwing with stderr on failure. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh namespace name, unique per run (namespaces are global to the host). */
export const nsName = (role: string): string => `vz-${role}-${randomBytes(3).toString('hex')}`;

/** Creates a namespace with loopback up. */
export function addNs(name: string): void {
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
}

/** A veth pair with one end in each namespace, both up; `mac` sets the client end's address. */
export function veth(clientNs: string, clientIf: string, serverNs: string, serverIf: string, mac?: string): void {
  ip('link', 'add', clientIf, 'netns', clientNs, 'type', 'veth', 'peer', 'name', serverIf, 'netns', serverNs);
  if (mac) ip('-n', clientNs, 'link', 'set', clientIf, 'address', mac);
  ip('-n', clientNs, 'link', 'set', clientIf, 'up');
  ip('-n', serverNs, 'link', 'set', serverIf, 'up');
}

/** Deletes namespaces, ignoring ones already gone. */
export function delNs(...names: string[]): void {
  for (const n of names) spawnSync('ip', ['netns', 'del', n]);
}
