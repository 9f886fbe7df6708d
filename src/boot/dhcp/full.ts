import { chooseBootFile, classifyClient, type DhcpClient } from './client.js';
import { ZERO } from './ip.js';
import { DhcpOption, ipOption, messageType, requestedIp, serverId, textOption, u32Option } from './options.js';
import type { DhcpPolicy, DhcpRequest, DhcpState, LeaseEffect, ReplyPlan } from './policy.js';
import { isAvailable, onSubnet, pickAddress, type PoolView } from './pool.js';
import { bootFields, buildReply, destination, networkOptions } from './reply.js';
import { MessageType, type DhcpOptionEntry } from './types.js';

/** The pool serving a request: the relay's subnet (giaddr) or the receiving interface's; null if it is not ours. */
export function poolFor(req: DhcpRequest, policy: DhcpPolicy): PoolView | null {
  if (!policy.pool) return null;
  const view: PoolView = { config: policy.pool, netmask: policy.pool.netmask ?? req.iface.netmask, server: req.iface.address };
  const link = req.packet.giaddr !== ZERO ? req.packet.giaddr : req.iface.address;
  return onSubnet(view, link) ? view : null;
}

interface Ctx {
  req: DhcpRequest;
  state: DhcpState;
  policy: DhcpPolicy;
  pool: PoolView;
  client: DhcpClient;
}

const none = (effects: LeaseEffect[], detail: Record<string, unknown>): ReplyPlan => ({ kind: 'none', reply: null, to: null, effects, detail });

/** Boot fields for PXE/HTTP/iPXE clients, or nothing for an ordinary client. */
function boot(c: Ctx): { fields: { siaddr?: string; sname?: string; file?: string }; options: DhcpOptionEntry[]; detail: Record<string, unknown> } {
  const choice = chooseBootFile(c.client, { serverAddress: c.pool.server, httpPort: c.policy.httpPort, efiBootFile: c.policy.efiBootFile });
  if (!choice) return { fields: {}, options: [], detail: {} };
  // Discovery control 8 ("boot from this file, skip discovery") for every PXE client: without it
  // EDK2 (OVMF) files the offer as BINL and asks port 4011 for the file instead (PXE-E16).
  const { options, ...fields } = bootFields(c.client, choice, c.pool.server, true);
  return { fields, options, detail: { bootFile: choice.file, firmware: choice.firmware, arch: c.client.arch } };
}

/** OFFER or ACK carrying an address, lease times, network and boot options. */
function leaseReply(c: Ctx, type: 2 | 5, ip: string): ReplyPlan {
  const secs = c.policy.pool!.leaseSeconds;
  const hostname = c.state.leases.reservation(c.client.mac)?.hostname ?? null;
  const b = boot(c);
  const reply = buildReply(c.req.packet, {
    type,
    yiaddr: ip,
    ...b.fields,
    options: [
      ipOption(DhcpOption.ServerIdentifier, c.pool.server),
      u32Option(DhcpOption.IpAddressLeaseTime, secs),
      u32Option(DhcpOption.RenewalTimeValue, Math.floor(secs / 2)),
      u32Option(DhcpOption.RebindingTimeValue, Math.floor((secs * 7) / 8)),
      ...networkOptions(c.pool.netmask, c.policy.pool!, hostname),
      ...b.options,
    ],
  });
  const prev = c.state.leases.lease(c.client.mac);
  let effects: LeaseEffect[];
  if (type === MessageType.Ack) {
    effects = [{ kind: 'save', lease: { mac: c.client.mac, ip, hostname: hostname ?? c.client.hostname ?? prev?.hostname ?? null, state: 'bound', expiresAt: c.state.now + secs * 1000 } }];
  } else {
    const keep = prev && prev.ip === ip && prev.state === 'bound' && prev.expiresAt > c.state.now;
    effects = keep ? [] : [{ kind: 'save', lease: { mac: c.client.mac, ip, hostname: prev?.hostname ?? c.client.hostname, state: 'offered', expiresAt: c.state.now + c.policy.offerHoldSeconds * 1000 } }];
  }
  return { kind: type === MessageType.Ack ? 'ack' : 'offer', reply, to: destination(c.req, c.policy, false), effects, detail: { ip, ...b.detail } };
}

function nak(c: Ctx, reason: string): ReplyPlan {
  const relayed = c.req.packet.giaddr !== ZERO;
  const reply = buildReply(c.req.packet, { type: MessageType.Nak, broadcast: relayed, options: [ipOption(DhcpOption.ServerIdentifier, c.pool.server), textOption(DhcpOption.Message, reason)] });
  return { kind: 'nak', reply, to: destination(c.req, c.policy, true), effects: [], detail: { reason } };
}

function discover(c: Ctx): ReplyPlan | null {
  const ip = pickAddress(c.pool, c.state, c.client.mac, requestedIp(c.req.packet));
  return ip ? leaseReply(c, MessageType.Offer, ip) : none([], { reason: 'pool exhausted' });
}

/** DHCPREQUEST in its four client states (RFC 2131 §4.3.2). */
function request(c: Ctx): ReplyPlan | null {
  const p = c.req.packet;
  const sid = serverId(p);
  const asked = requestedIp(p);
  const mac = c.client.mac;
  if (sid !== null) {
    // SELECTING: the client chose a server; if not us, release what we held for it.
    if (sid !== c.pool.server) {
      const held = c.state.leases.lease(mac);
      return held?.state === 'offered' ? none([{ kind: 'remove', mac }], { reason: `chose server ${sid}` }) : null;
    }
    const ip = asked ?? (p.ciaddr !== ZERO ? p.ciaddr : null);
    if (!ip) return nak(c, 'no requested address');
    return isAvailable(c.pool, c.state, mac, ip) ? leaseReply(c, MessageType.Ack, ip) : nak(c, `address ${ip} not available`);
  }
  const ip = asked !== null && p.ciaddr === ZERO ? asked : p.ciaddr !== ZERO ? p.ciaddr : null;
  if (ip === null) return null;
  // INIT-REBOOT (option 50) or RENEWING/REBINDING (ciaddr): NAK a wrong network, stay silent without a record.
  if (!onSubnet(c.pool, ip)) return nak(c, `address ${ip} is on the wrong network`);
  const known = c.state.leases.reservation(mac) ?? c.state.leases.lease(mac);
  if (!known) return null;
  if (known.ip !== ip || !isAvailable(c.pool, c.state, mac, ip)) return nak(c, `address ${ip} is not yours`);
  return leaseReply(c, MessageType.Ack, ip);
}

function decline(c: Ctx): ReplyPlan | null {
  const sid = serverId(c.req.packet);
  const ip = requestedIp(c.req.packet);
  if (!ip || (sid !== null && sid !== c.pool.server)) return null;
  const effects: LeaseEffect[] = [{ kind: 'decline', ip, untilMs: c.state.now + c.policy.declineHoldSeconds * 1000 }];
  if (c.state.leases.lease(c.client.mac)?.ip === ip) effects.push({ kind: 'remove', mac: c.client.mac });
  return none(effects, { ip });
}

function release(c: Ctx): ReplyPlan | null {
  const sid = serverId(c.req.packet);
  const ip = c.req.packet.ciaddr;
  const held = c.state.leases.lease(c.client.mac);
  if ((sid !== null && sid !== c.pool.server) || !held || held.ip !== ip) return null;
  return none([{ kind: 'save', lease: { ...held, state: 'released', expiresAt: c.state.now } }], { ip });
}

/** DHCPINFORM: configuration only, no yiaddr and no lease times (RFC 2131 §4.3.5). */
function inform(c: Ctx): ReplyPlan | null {
  const p = c.req.packet;
  if (p.ciaddr === ZERO) return null;
  const b = boot(c);
  const hostname = c.state.leases.reservation(c.client.mac)?.hostname ?? null;
  const reply = buildReply(p, { type: MessageType.Ack, ciaddr: p.ciaddr, ...b.fields, options: [ipOption(DhcpOption.ServerIdentifier, c.pool.server), ...networkOptions(c.pool.netmask, c.policy.pool!, hostname), ...b.options] });
  return { kind: 'ack', reply, to: destination(c.req, c.policy, false), effects: [], detail: { ip: p.ciaddr, inform: true, ...b.detail } };
}

/** Plans the full-mode answer to a request on port 67, or null to ignore it. */
export function planFull(req: DhcpRequest, state: DhcpState, policy: DhcpPolicy): ReplyPlan | null {
  if (req.packet.op !== 1 || req.via !== 'server') return null;
  const pool = poolFor(req, policy);
  if (!pool) return null;
  const c: Ctx = { req, state, policy, pool, client: classifyClient(req.packet) };
  switch (messageType(req.packet)) {
    case MessageType.Discover:
      return discover(c);
    case MessageType.Request:
      return request(c);
    case MessageType.Decline:
      return decline(c);
    case MessageType.Release:
      return release(c);
    case MessageType.Inform:
      return inform(c);
    default:
      return null;
  }
}
