import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { VizorError } from '../errors.js';

/** A configured interface could not be used. */
export class InterfaceError extends VizorError {
  readonly code = 'INTERFACE' as const;
  constructor(message: string) {
    super(message);
  }
}

/** An interface the boot services answer on, with its IPv4 address. */
export interface BootInterface {
  readonly name: string;
  readonly address: string;
  readonly netmask: string;
}

/**
 * Resolves interface names to their first IPv4 address. An interface that does not exist
 * or has no IPv4 address is an error naming what was found instead.
 */
export function resolveInterfaces(names: readonly string[], table: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): BootInterface[] {
  return names.map((name) => {
    const addrs = table[name];
    if (!addrs) throw new InterfaceError(`boot.interfaces: no interface "${name}" (have: ${Object.keys(table).join(', ') || 'none'})`);
    const v4 = addrs.find((a) => a.family === 'IPv4' && !a.internal) ?? addrs.find((a) => a.family === 'IPv4');
    if (!v4) throw new InterfaceError(`boot.interfaces: interface "${name}" has no IPv4 address`);
    return { name, address: v4.address, netmask: v4.netmask };
  });
}
