import { chooseBootFile, classifyClient } from './client.js';
import { ZERO } from './ip.js';
import { DhcpOption, ipOption, messageType } from './options.js';
import type { DhcpPolicy, DhcpRequest, ReplyPlan } from './policy.js';
import { bootFields, buildReply, destination } from './reply.js';
import { MessageType } from './types.js';

/**
 * Plans a proxyDHCP answer (PXE spec 2.1 §2.2; pixiecore): only clients whose option 60 starts with
 * PXEClient or HTTPClient, never an address. Port 67 answers DISCOVER with a broadcast proxy OFFER;
 * port 4011 answers the client's REQUEST with a unicast ACK carrying the boot file.
 */
export function planProxy(req: DhcpRequest, policy: DhcpPolicy): ReplyPlan | null {
  const p = req.packet;
  if (p.op !== 1) return null;
  const type = messageType(p);
  const onPxePort = req.via === 'proxy';
  if (onPxePort ? type !== MessageType.Request && type !== MessageType.Inform : type !== MessageType.Discover) return null;
  const client = classifyClient(p);
  if (!client.isPxe && !client.isHttpBoot) return null;
  const server = req.iface.address;
  const choice = chooseBootFile(client, { serverAddress: server, httpPort: policy.httpPort, efiBootFile: policy.efiBootFile });
  if (!choice) return null;
  // BIOS ROMs boot straight from the offer with discovery control 8; UEFI PXE gets no option 43 and
  // comes back on 4011, the only path many UEFI firmwares follow (pixiecore's experience).
  const { options, ...fields } = bootFields(client, choice, server, choice.firmware === 'bios' || (choice.firmware === 'ipxe' && client.arch === 0));
  const detail = { bootFile: choice.file, firmware: choice.firmware, arch: client.arch };
  if (!onPxePort) {
    const reply = buildReply(p, { type: MessageType.Offer, broadcast: true, ...fields, options: [ipOption(DhcpOption.ServerIdentifier, server), ...options] });
    return { kind: 'proxy-offer', reply, to: destination({ ...req, packet: { ...p, ciaddr: ZERO } }, policy, false), effects: [], detail };
  }
  const reply = buildReply(p, { type: MessageType.Ack, ciaddr: p.ciaddr, ...fields, options: [ipOption(DhcpOption.ServerIdentifier, server), ...options] });
  // The 4011 request comes from the address the client already has: TFTP/HTTP events map through it.
  return { kind: 'proxy-ack', reply, to: { address: req.from.address, port: req.from.port }, effects: [], detail: { ...detail, clientAddress: req.from.address } };
}
