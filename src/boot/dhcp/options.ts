import type { DhcpOptionEntry, DhcpPacket } from './types.js';

/** DHCP option codes used by vizor, named after RFC 2132 and later RFCs; value types in comments. */
export const DhcpOption = {
  Pad: 0,
  SubnetMask: 1, // IPv4
  Router: 3, // IPv4 list
  DomainNameServer: 6, // IPv4 list
  HostName: 12, // string
  DomainName: 15, // string
  VendorSpecific: 43, // bytes (PXE: sub-options, PXE spec §2.4)
  RequestedIpAddress: 50, // IPv4
  IpAddressLeaseTime: 51, // u32 seconds
  OptionOverload: 52, // u8: 1 file, 2 sname, 3 both
  DhcpMessageType: 53, // u8
  ServerIdentifier: 54, // IPv4
  ParameterRequestList: 55, // u8 list
  Message: 56, // string
  MaximumDhcpMessageSize: 57, // u16
  RenewalTimeValue: 58, // u32 seconds (T1)
  RebindingTimeValue: 59, // u32 seconds (T2)
  VendorClassIdentifier: 60, // string
  ClientIdentifier: 61, // bytes
  TftpServerName: 66, // string
  BootfileName: 67, // string
  UserClass: 77, // RFC 3004 list, or a bare string (iPXE)
  ClientSystemArchitecture: 93, // u16 list (RFC 4578 §2.1)
  ClientNetworkInterfaceId: 94, // 3 bytes (RFC 4578 §2.2)
  ClientMachineId: 97, // 0x00 + 16-byte GUID (RFC 4578 §2.3)
  IpxeEncapsulated: 175, // iPXE settings (iPXE dhcp.h)
  End: 255,
} as const;

/** PXE vendor sub-options inside option 43 (PXE spec 2.1, table 2-1). */
export const PxeSubOption = {
  DiscoveryControl: 6, // u8 bits: 1 no broadcast, 2 no multicast, 4 listed servers only, 8 use boot file
  BootServers: 8,
  BootMenu: 9,
  MenuPrompt: 10,
  End: 255,
} as const;

/** The concatenated value of option `code`, or undefined. */
export function getOption(p: DhcpPacket, code: number): Buffer | undefined {
  return p.options.find((o) => o.code === code)?.data;
}

/** True when option `code` is present (even empty). */
export function hasOption(p: DhcpPacket, code: number): boolean {
  return p.options.some((o) => o.code === code);
}

const ip = (b: Buffer | undefined): string | null => (b && b.length === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : null);
const text = (b: Buffer | undefined): string | null => (b && b.length > 0 ? b.toString('latin1').replace(/\0+$/, '') : null);

/** Option 53, or null when absent or malformed (a BOOTP message). */
export function messageType(p: DhcpPacket): number | null {
  const b = getOption(p, DhcpOption.DhcpMessageType);
  return b && b.length === 1 ? b[0]! : null;
}

/** Option 50 (requested IP address), or null. */
export const requestedIp = (p: DhcpPacket): string | null => ip(getOption(p, DhcpOption.RequestedIpAddress));

/** Option 54 (server identifier), or null. */
export const serverId = (p: DhcpPacket): string | null => ip(getOption(p, DhcpOption.ServerIdentifier));

/** Option 55 (parameter request list) in the client's order; [] when absent. */
export const paramRequestList = (p: DhcpPacket): number[] => [...(getOption(p, DhcpOption.ParameterRequestList) ?? [])];

/** Option 57 (maximum DHCP message size), or null when absent or malformed. */
export function maxMessageSize(p: DhcpPacket): number | null {
  const b = getOption(p, DhcpOption.MaximumDhcpMessageSize);
  return b && b.length === 2 ? b.readUInt16BE(0) : null;
}

/** Option 61 (client identifier) bytes, or null. */
export const clientId = (p: DhcpPacket): Buffer | null => getOption(p, DhcpOption.ClientIdentifier) ?? null;

/** Option 12 (host name), or null. */
export const hostName = (p: DhcpPacket): string | null => text(getOption(p, DhcpOption.HostName));

/** Option 60 (vendor class identifier), e.g. `PXEClient:Arch:00007:UNDI:003016`, or null. */
export const vendorClass = (p: DhcpPacket): string | null => text(getOption(p, DhcpOption.VendorClassIdentifier));

/** Option 93 (client system architectures, RFC 4578) as a list of u16; [] when absent or odd-length. */
export function clientArch(p: DhcpPacket): number[] {
  const b = getOption(p, DhcpOption.ClientSystemArchitecture);
  if (!b || b.length === 0 || b.length % 2 !== 0) return [];
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 2) out.push(b.readUInt16BE(i));
  return out;
}

/** Option 97 (client machine GUID) as a lower-case UUID string, or null unless it is type 0 and 17 bytes. */
export function clientUuid(p: DhcpPacket): string | null {
  const b = getOption(p, DhcpOption.ClientMachineId);
  if (!b || b.length !== 17 || b[0] !== 0) return null;
  // SMBIOS/EFI GUIDs store the first three fields little-endian (as iPXE's ${uuid} prints them).
  const g = b.subarray(1);
  const le = (s: number, n: number) => Buffer.from(g.subarray(s, s + n)).reverse().toString('hex');
  const hex = g.toString('hex');
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Option 77 (user class): the RFC 3004 list of length-prefixed classes when the value parses as
 * one exactly, otherwise the whole value as one bare string (iPXE sends `iPXE` unprefixed).
 */
export function userClass(p: DhcpPacket): string[] {
  const b = getOption(p, DhcpOption.UserClass);
  if (!b || b.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < b.length; ) {
    const n = b[i]!;
    if (n === 0 || i + 1 + n > b.length) return [b.toString('latin1')];
    out.push(b.toString('latin1', i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

/** True when the client carries iPXE's encapsulated option 175. */
export const hasIpxeOption = (p: DhcpPacket): boolean => hasOption(p, DhcpOption.IpxeEncapsulated);

/** Builds an option holding one or more IPv4 addresses. */
export function ipOption(code: number, ...addresses: string[]): DhcpOptionEntry {
  return { code, data: Buffer.from(addresses.flatMap((a) => a.split('.').map(Number))) };
}

/** Builds an option holding a u32 (big-endian). */
export function u32Option(code: number, value: number): DhcpOptionEntry {
  const data = Buffer.alloc(4);
  data.writeUInt32BE(value >>> 0);
  return { code, data };
}

/** Builds an option holding one byte. */
export const u8Option = (code: number, value: number): DhcpOptionEntry => ({ code, data: Buffer.from([value & 0xff]) });

/** Builds an option holding a string (latin1, no terminator). */
export const textOption = (code: number, value: string): DhcpOptionEntry => ({ code, data: Buffer.from(value, 'latin1') });

/** Encodes PXE vendor sub-options (option 43 value), END-terminated. */
export function pxeVendorOptions(subs: readonly DhcpOptionEntry[]): DhcpOptionEntry {
  const parts = subs.flatMap((s) => [Buffer.from([s.code, s.data.length]), s.data]);
  return { code: DhcpOption.VendorSpecific, data: Buffer.concat([...parts, Buffer.from([PxeSubOption.End])]) };
}
