import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DhcpSocketError } from './errors.js';

/** The functions of build/Release/vizor_net.node (native/net.c). */
export interface NetAddon {
  /** A non-blocking UDP socket with SO_REUSEADDR, SO_BROADCAST and SO_BINDTODEVICE(ifname), bound to address:port. */
  openUdpSocket(ifname: string, address: string, port: number): number;
  /** Closes a descriptor that was never handed to dgram. */
  closeFd(fd: number): void;
}

// src/boot/dhcp (or dist/src/boot/dhcp): the package root is 3 or 4 levels up.
const here = dirname(fileURLToPath(import.meta.url));
const candidates = [resolve(here, '..', '..', '..'), resolve(here, '..', '..', '..', '..')].map((root) => join(root, 'build', 'Release', 'vizor_net.node'));
let cached: NetAddon | null = null;

/** Loads the addon, or throws DhcpSocketError saying how to build it. */
export function loadNetAddon(): NetAddon {
  if (cached) return cached;
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new DhcpSocketError('dhcp: the native addon build/Release/vizor_net.node is missing; install a C compiler (Debian: make g++ python3) and run npm ci');
  }
  cached = createRequire(import.meta.url)(path) as NetAddon;
  return cached;
}
