import type { BootChoice, DhcpClient } from './client.js';
import { ZERO } from './ip.js';
import { DhcpOption, ipOption, maxMessageSize, paramRequestList, PxeSubOption, pxeVendorOptions, textOption, u8Option } from './options.js';
import type { DhcpPolicy, DhcpRequest } from './policy.js';
import { BROADCAST_FLAG, type DhcpOptionEntry, type DhcpPacket } from './types.js';

/** Options a reply always keeps, in this order, before the client's requested ones (RFC 2131 §4.3.1 table 3). */
const HEAD: readonly number[] = [DhcpOption.DhcpMessageType, DhcpOption.ServerIdentifier, DhcpOption.IpAddressLeaseTime, DhcpOption.RenewalTimeValue, DhcpOption.RebindingTimeValue];
/** IP (20) + UDP (8) headers, which option 57 counts (RFC 2132 §9.10). */
const IP_UDP = 28;
/** Every DHCP client must accept 576-byte datagrams (RFC 2131 §2). */
const MIN_DATAGRAM = 576;
/** Fixed header + cookie + END: what a reply takes without options. */
const FIXED = 241;

/** Orders options: HEAD, then what the client asked for in its order, then the rest as given. */
export function orderOptions(options: readonly DhcpOptionEntry[], prl: readonly number[]): DhcpOptionEntry[] {
  const rank = (code: number): number => {
    const h = HEAD.indexOf(code);
    if (h >= 0) return h;
    const r = prl.indexOf(code);
    return r >= 0 ? HEAD.length + r : HEAD.length + prl.length;
  };
  return options.map((o, i) => ({ o, i, r: rank(o.code) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.o);
}

const encodedSize = (options: readonly DhcpOptionEntry[]): number => options.reduce((n, o) => n + Math.max(1, Math.ceil(o.data.length / 255)) * 2 + o.data.length, 0);

/** Drops options from the end (never HEAD ones) until the reply fits the client's maximum message size. */
export function fitOptions(ordered: readonly DhcpOptionEntry[], maxDatagram: number): DhcpOptionEntry[] {
  const budget = maxDatagram - IP_UDP - FIXED;
  const out = [...ordered];
  for (let i = out.length - 1; i >= 0 && encodedSize(out) > budget; i--) if (!HEAD.includes(out[i]!.code)) out.splice(i, 1);
  return out;
}

/** Fields of a reply that differ by case. */
export interface ReplyFields {
  readonly type: number;
  readonly yiaddr?: string;
  readonly ciaddr?: string;
  readonly siaddr?: string;
  readonly sname?: string;
  readonly file?: string;
  readonly broadcast?: boolean;
  readonly options: readonly DhcpOptionEntry[];
}

/** Builds a BOOTREPLY to `req` (xid, chaddr, giaddr and flags copied), options ordered and fitted. */
export function buildReply(req: DhcpPacket, f: ReplyFields): DhcpPacket {
  const max = Math.max(MIN_DATAGRAM, maxMessageSize(req) ?? MIN_DATAGRAM);
  const options = fitOptions(orderOptions([u8Option(DhcpOption.DhcpMessageType, f.type), ...f.options], paramRequestList(req)), max);
  return {
    op: 2,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: f.broadcast ? req.flags | BROADCAST_FLAG : req.flags,
    ciaddr: f.ciaddr ?? ZERO,
    yiaddr: f.yiaddr ?? ZERO,
    siaddr: f.siaddr ?? ZERO,
    giaddr: req.giaddr,
    chaddr: req.chaddr,
    sname: f.sname ?? '',
    file: f.file ?? '',
    options,
  };
}

/** Boot fields and options for a network-boot client: siaddr/sname/file, 60, 67, 97 and PXE 43. */
export function bootFields(client: DhcpClient, choice: BootChoice, server: string, withDiscoveryControl: boolean): { siaddr: string; sname: string; file: string; options: DhcpOptionEntry[] } {
  const options: DhcpOptionEntry[] = [];
  if (choice.vendorClass) options.push(textOption(DhcpOption.VendorClassIdentifier, choice.vendorClass));
  // BIOS PXE ROMs: discovery control 8 = skip boot server discovery, boot the file (PXE spec 2.1 §2.4.4; pixiecore).
  if (withDiscoveryControl && choice.vendorClass === 'PXEClient') options.push(pxeVendorOptions([{ code: PxeSubOption.DiscoveryControl, data: Buffer.from([8]) }]));
  // iPXE reads option 67 first; UEFI HTTP boot takes the URI from 67 or file. Both get it.
  if (choice.transport === 'http') options.push(textOption(DhcpOption.BootfileName, choice.file));
  if (client.machineId) options.push({ code: DhcpOption.ClientMachineId, data: client.machineId });
  const file = Buffer.byteLength(choice.file, 'latin1') < 128 ? choice.file : '';
  return { siaddr: server, sname: server, file, options };
}

/** Where a reply goes (RFC 2131 §4.1): the relay, else the client's address, else broadcast; NAKs broadcast. */
export function destination(req: DhcpRequest, policy: DhcpPolicy, nak: boolean): { address: string; port: number } {
  const p = req.packet;
  if (p.giaddr !== ZERO) return { address: p.giaddr, port: policy.ports.server };
  if (!nak && p.ciaddr !== ZERO) return { address: p.ciaddr, port: policy.ports.client };
  return { address: policy.broadcastAddress, port: policy.ports.client };
}

/** The standard network options of a pool: mask, router, DNS, domain, and the reservation's host name. */
export function networkOptions(netmask: string, pool: { router: string | null; dns: readonly string[]; domain: string | null }, hostname: string | null): DhcpOptionEntry[] {
  const out: DhcpOptionEntry[] = [ipOption(DhcpOption.SubnetMask, netmask)];
  if (pool.router) out.push(ipOption(DhcpOption.Router, pool.router));
  if (pool.dns.length) out.push(ipOption(DhcpOption.DomainNameServer, ...pool.dns));
  if (pool.domain) out.push(textOption(DhcpOption.DomainName, pool.domain));
  if (hostname) out.push(textOption(DhcpOption.HostName, hostname));
  return out;
}
