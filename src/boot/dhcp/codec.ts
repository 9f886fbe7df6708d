import { DhcpDecodeError, DhcpEncodeError } from './errors.js';
import { DhcpOption } from './options.js';
import type { BootpOp, DhcpOptionEntry, DhcpPacket } from './types.js';

/** Offsets of the fixed BOOTP header (RFC 2131 §2, figure 1). */
const SNAME = 44;
const FILE = 108;
const COOKIE = 236;
const OPTIONS = 240;
/** The magic cookie 99.130.83.99 (RFC 2131 §3). */
const MAGIC = 0x63825363;
/** BOOTP's minimum message: 236-byte header + 64-byte vend field (RFC 951); shorter replies upset old ROMs. */
const MIN_ENCODED = 300;

const ipAt = (b: Buffer, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const cstring = (b: Buffer): string => {
  const end = b.indexOf(0);
  return b.toString('latin1', 0, end < 0 ? b.length : end);
};

interface Raw {
  code: number;
  data: Buffer;
}

/** Reads one options area into `out`, stopping at END; `where` names the area in errors. */
function readArea(area: Buffer, where: string, base: number, out: Raw[]): void {
  for (let i = 0; i < area.length; ) {
    const code = area[i]!;
    if (code === DhcpOption.Pad) {
      i++;
      continue;
    }
    if (code === DhcpOption.End) return;
    if (i + 1 >= area.length) throw new DhcpDecodeError(`option ${code} at offset ${base + i} in ${where} has no length byte`);
    const len = area[i + 1]!;
    if (i + 2 + len > area.length) {
      throw new DhcpDecodeError(`option ${code} at offset ${base + i} in ${where} runs past the end (length ${len}, ${area.length - i - 2} bytes left)`);
    }
    out.push({ code, data: area.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
}

/** Concatenates repeated instances of an option at the position of the first (RFC 3396 §5). */
function aggregate(raw: readonly Raw[]): DhcpOptionEntry[] {
  const parts = new Map<number, Buffer[]>();
  const order: number[] = [];
  for (const r of raw) {
    const list = parts.get(r.code);
    if (list) list.push(r.data);
    else {
      parts.set(r.code, [r.data]);
      order.push(r.code);
    }
  }
  return order.map((code) => ({ code, data: Buffer.from(Buffer.concat(parts.get(code)!)) }));
}

/** Decodes a DHCPv4/BOOTP datagram; throws DhcpDecodeError (and nothing else) when it is malformed. */
export function decodeDhcp(buf: Buffer): DhcpPacket {
  if (!Buffer.isBuffer(buf)) throw new DhcpDecodeError('not a buffer');
  if (buf.length < OPTIONS) throw new DhcpDecodeError(`truncated header: ${buf.length} bytes, need at least ${OPTIONS}`);
  const op = buf[0]!;
  if (op !== 1 && op !== 2) throw new DhcpDecodeError(`bad op ${op} (want 1 request or 2 reply)`);
  const hlen = buf[2]!;
  if (hlen > 16) throw new DhcpDecodeError(`bad hlen ${hlen} (at most 16)`);
  const cookie = buf.readUInt32BE(COOKIE);
  if (cookie !== MAGIC) throw new DhcpDecodeError(`bad magic cookie 0x${cookie.toString(16).padStart(8, '0')} (want 0x63825363)`);

  const raw: Raw[] = [];
  readArea(buf.subarray(OPTIONS), 'options', OPTIONS, raw);
  let overload = 0;
  const ovIndex = raw.findIndex((r) => r.code === DhcpOption.OptionOverload);
  if (ovIndex >= 0) {
    const v = raw[ovIndex]!.data;
    if (v.length !== 1 || v[0]! < 1 || v[0]! > 3) throw new DhcpDecodeError(`bad option overload (52) value ${v.toString('hex') || '(empty)'}`);
    overload = v[0]!;
    raw.splice(ovIndex, 1);
    if (raw.some((r) => r.code === DhcpOption.OptionOverload)) throw new DhcpDecodeError('option overload (52) repeated');
    // RFC 2131 §4.1: the options field first, then file, then sname.
    const extra: Raw[] = [];
    if (overload & 1) readArea(buf.subarray(FILE, COOKIE), 'file', FILE, extra);
    if (overload & 2) readArea(buf.subarray(SNAME, FILE), 'sname', SNAME, extra);
    if (extra.some((r) => r.code === DhcpOption.OptionOverload)) throw new DhcpDecodeError('option overload (52) inside file/sname');
    raw.push(...extra);
  }

  return {
    op: op as BootpOp,
    htype: buf[1]!,
    hlen,
    hops: buf[3]!,
    xid: buf.readUInt32BE(4),
    secs: buf.readUInt16BE(8),
    flags: buf.readUInt16BE(10),
    ciaddr: ipAt(buf, 12),
    yiaddr: ipAt(buf, 16),
    siaddr: ipAt(buf, 20),
    giaddr: ipAt(buf, 24),
    chaddr: Buffer.from(buf.subarray(28, 44)),
    sname: overload & 2 ? '' : cstring(buf.subarray(SNAME, FILE)),
    file: overload & 1 ? '' : cstring(buf.subarray(FILE, COOKIE)),
    options: aggregate(raw),
  };
}

function writeIp(b: Buffer, at: number, ip: string, field: string): void {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) throw new DhcpEncodeError(`${field}: not an IPv4 address: ${ip}`);
  parts.forEach((n, i) => (b[at + i] = n));
}

function writeText(b: Buffer, at: number, size: number, s: string, field: string): void {
  const bytes = Buffer.from(s, 'latin1');
  if (bytes.length > size) throw new DhcpEncodeError(`${field}: ${bytes.length} bytes, the field holds ${size}`);
  bytes.copy(b, at);
}

/** Encodes options, splitting values over 255 bytes into consecutive instances (RFC 3396 §6). */
function encodeOptions(options: readonly DhcpOptionEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const o of options) {
    if (!Number.isInteger(o.code) || o.code <= 0 || o.code >= 255) throw new DhcpEncodeError(`bad option code ${o.code}`);
    if (o.code === DhcpOption.OptionOverload) throw new DhcpEncodeError('option overload (52) is added by the codec, not by callers');
    if (o.data.length === 0) out.push(Buffer.from([o.code, 0]));
    for (let i = 0; i < o.data.length; i += 255) {
      const chunk = o.data.subarray(i, i + 255);
      out.push(Buffer.from([o.code, chunk.length]), chunk);
    }
  }
  out.push(Buffer.from([DhcpOption.End]));
  return Buffer.concat(out);
}

/** Encodes a packet: header, cookie, options, END, zero-padded to BOOTP's 300-byte minimum. */
export function encodeDhcp(p: DhcpPacket): Buffer {
  const opts = encodeOptions(p.options);
  const b = Buffer.alloc(Math.max(MIN_ENCODED, OPTIONS + opts.length));
  b[0] = p.op;
  b[1] = p.htype;
  b[2] = p.hlen;
  b[3] = p.hops;
  b.writeUInt32BE(p.xid >>> 0, 4);
  b.writeUInt16BE(p.secs & 0xffff, 8);
  b.writeUInt16BE(p.flags & 0xffff, 10);
  writeIp(b, 12, p.ciaddr, 'ciaddr');
  writeIp(b, 16, p.yiaddr, 'yiaddr');
  writeIp(b, 20, p.siaddr, 'siaddr');
  writeIp(b, 24, p.giaddr, 'giaddr');
  if (p.chaddr.length > 16) throw new DhcpEncodeError(`chaddr: ${p.chaddr.length} bytes, the field holds 16`);
  p.chaddr.copy(b, 28);
  writeText(b, SNAME, 64, p.sname, 'sname');
  writeText(b, FILE, 128, p.file, 'file');
  b.writeUInt32BE(MAGIC, COOKIE);
  opts.copy(b, OPTIONS);
  return b;
}

/** The client MAC (lower-case, colon form) when htype is Ethernet and hlen 6, else the hlen bytes in hex. */
export function clientMac(p: DhcpPacket): string {
  const bytes = p.chaddr.subarray(0, Math.min(p.hlen, 16));
  return [...bytes].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
