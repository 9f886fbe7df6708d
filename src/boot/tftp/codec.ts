import { TftpDecodeError, TftpEncodeError } from './errors.js';

/** RFC 1350 §5 and RFC 2347 opcodes (u16 BE at offset 0). */
export const TftpOpcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** One option as sent on the wire: name and value, both NUL-terminated strings (RFC 2347). */
export type TftpOption = readonly [name: string, value: string];

/** A read or write request: filename, transfer mode and RFC 2347 options in wire order. */
export interface TftpRequest {
  op: 'rrq' | 'wrq';
  filename: string;
  mode: string;
  options: TftpOption[];
}

/** A decoded TFTP packet, keyed on `op`. */
export type TftpPacket =
  | TftpRequest
  | { op: 'data'; block: number; data: Buffer }
  | { op: 'ack'; block: number }
  | { op: 'error'; code: number; message: string }
  | { op: 'oack'; options: TftpOption[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads NUL-terminated strings from `at`; a trailing unterminated fragment is returned as `rest`. */
function readStrings(buf: Buffer, at: number): { strings: string[]; rest: number } {
  const strings: string[] = [];
  while (at < buf.length) {
    const end = buf.indexOf(0, at);
    if (end < 0) return { strings, rest: buf.length - at };
    try {
      strings.push(utf8.decode(buf.subarray(at, end)));
    } catch {
      throw new TftpDecodeError(`string at offset ${at} is not valid UTF-8`);
    }
    at = end + 1;
  }
  return { strings, rest: 0 };
}

/**
 * Pairs option strings. Names that are empty are skipped and an unpaired last name is
 * ignored: some PXE ROMs pad requests with NULs, and RFC 2347 says unknown options are ignored.
 */
function pairOptions(strings: string[]): TftpOption[] {
  const out: TftpOption[] = [];
  for (let i = 0; i + 1 < strings.length; i += 2) {
    const name = strings[i] as string;
    if (name !== '') out.push([name, strings[i + 1] as string]);
  }
  return out;
}

function decodeRequest(op: 'rrq' | 'wrq', buf: Buffer): TftpRequest {
  const { strings } = readStrings(buf, 2);
  if (strings.length < 2) throw new TftpDecodeError(`${op} needs a NUL-terminated filename and mode`);
  const [filename, mode, ...opts] = strings as [string, string, ...string[]];
  return { op, filename, mode, options: pairOptions(opts) };
}

/** Decodes one datagram; throws TftpDecodeError for anything that is not a TFTP packet. */
export function decodeTftp(buf: Buffer): TftpPacket {
  if (buf.length < 2) throw new TftpDecodeError(`packet of ${buf.length} bytes is too short`);
  const opcode = buf.readUInt16BE(0);
  switch (opcode) {
    case TftpOpcode.RRQ:
      return decodeRequest('rrq', buf);
    case TftpOpcode.WRQ:
      return decodeRequest('wrq', buf);
    case TftpOpcode.DATA:
      if (buf.length < 4) throw new TftpDecodeError(`DATA of ${buf.length} bytes has no block number`);
      return { op: 'data', block: buf.readUInt16BE(2), data: buf.subarray(4) };
    case TftpOpcode.ACK:
      // Trailing bytes after the block number are ignored rather than refused.
      if (buf.length < 4) throw new TftpDecodeError(`ACK of ${buf.length} bytes has no block number`);
      return { op: 'ack', block: buf.readUInt16BE(2) };
    case TftpOpcode.ERROR: {
      if (buf.length < 4) throw new TftpDecodeError(`ERROR of ${buf.length} bytes has no error code`);
      const end = buf.indexOf(0, 4);
      // Clients' messages are only logged, so a missing NUL or bad UTF-8 is tolerated.
      const message = buf.toString('utf8', 4, end < 0 ? buf.length : end);
      return { op: 'error', code: buf.readUInt16BE(2), message };
    }
    case TftpOpcode.OACK:
      return { op: 'oack', options: pairOptions(readStrings(buf, 2).strings) };
    default:
      throw new TftpDecodeError(`unknown opcode ${opcode}`);
  }
}

function u16(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new TftpEncodeError(`${what} ${n} is not a u16`);
  return n;
}

function cstrings(strings: readonly string[]): Buffer[] {
  return strings.map((s) => {
    if (s.includes('\0')) throw new TftpEncodeError(`string ${JSON.stringify(s)} contains NUL`);
    return Buffer.from(`${s}\0`, 'utf8');
  });
}

function withOpcode(opcode: number, parts: Buffer[]): Buffer {
  const head = Buffer.allocUnsafe(2);
  head.writeUInt16BE(opcode, 0);
  return Buffer.concat([head, ...parts]);
}

/** Encodes an RRQ or WRQ with its options in the given order. */
export function encodeRequest(req: TftpRequest): Buffer {
  const strings = [req.filename, req.mode, ...req.options.flat()];
  return withOpcode(req.op === 'rrq' ? TftpOpcode.RRQ : TftpOpcode.WRQ, cstrings(strings));
}

/** Encodes a DATA packet: block number (wire value, already wrapped to u16) and payload. */
export function encodeData(block: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + data.length);
  out.writeUInt16BE(TftpOpcode.DATA, 0);
  out.writeUInt16BE(u16('block', block), 2);
  data.copy(out, 4);
  return out;
}

/** Encodes an ACK for a wire block number. */
export function encodeAck(block: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt16BE(TftpOpcode.ACK, 0);
  out.writeUInt16BE(u16('block', block), 2);
  return out;
}

/** Encodes an ERROR packet; NULs in the message are replaced by spaces so it stays one string. */
export function encodeError(code: number, message: string): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16BE(TftpOpcode.ERROR, 0);
  head.writeUInt16BE(u16('error code', code), 2);
  return Buffer.concat([head, Buffer.from(`${message.replaceAll('\0', ' ')}\0`, 'utf8')]);
}

/** Encodes an OACK listing the accepted options (RFC 2347). */
export function encodeOack(options: readonly TftpOption[]): Buffer {
  return withOpcode(TftpOpcode.OACK, cstrings(options.flat()));
}

/** Encodes any packet; the inverse of decodeTftp for packets it returns. */
export function encodeTftp(p: TftpPacket): Buffer {
  switch (p.op) {
    case 'rrq':
    case 'wrq':
      return encodeRequest(p);
    case 'data':
      return encodeData(p.block, p.data);
    case 'ack':
      return encodeAck(p.block);
    case 'error':
      return encodeError(p.code, p.message);
    case 'oack':
      return encodeOack(p.options);
  }
}
