import type { TftpRequest } from './codec.js';
import { encodeOack } from './codec.js';
import { TftpUnsupportedError } from './errors.js';
import { netasciiSize } from './netascii.js';
import { negotiate, parseOptions, type Negotiated } from './options.js';
import { jailPath, openInRoot } from './paths.js';
import { bufferSource, fileSource, netasciiFileSize, netasciiFileSource, type BlockSource } from './source.js';

/** A TFTP peer: the client's address and port (its transfer ID). */
export interface TftpPeer {
  address: string;
  port: number;
}

/** Builds a file's content in memory for a path (root-relative, forward slashes), or null to fall back to disk. */
export type TftpGenerate = (path: string, peer: TftpPeer) => Buffer | null | Promise<Buffer | null>;

/** What the server knows when it accepts a read request. */
export interface ReadContext {
  realRoot: string;
  generate: TftpGenerate | undefined;
  maxBlksize: number;
  maxWindowsize: number;
}

/** An accepted read: the jailed path, the negotiated settings, the OACK to send and the open source. */
export interface PreparedRead {
  path: string;
  generated: boolean;
  negotiated: Negotiated;
  oack: Buffer | null;
  source: BlockSource;
}

/** The modes RFC 1350 defines that vizor serves; `mail` is obsolete and refused. */
export function readMode(mode: string): 'octet' | 'netascii' | null {
  const m = mode.toLowerCase();
  return m === 'octet' || m === 'netascii' ? m : null;
}

/**
 * Validates an RRQ and opens what it names: jail check, then the generate hook, then the
 * file under the root; then negotiates options against the real size. Throws TftpAccessError,
 * TftpNotFoundError or TftpUnsupportedError for refusals; the caller owns `source` and must close it.
 */
export async function prepareRead(req: TftpRequest, peer: TftpPeer, ctx: ReadContext): Promise<PreparedRead> {
  const mode = readMode(req.mode);
  if (mode === null) throw new TftpUnsupportedError(req.filename, `transfer mode ${JSON.stringify(req.mode)} is not supported (octet or netascii)`);
  const path = jailPath(req.filename);
  const netascii = mode === 'netascii';
  const requested = parseOptions(req.options);
  const data = ctx.generate ? await ctx.generate(path, peer) : null;
  if (data) {
    const negotiated = negotiate(requested, { ...ctx, size: netascii ? netasciiSize(data) : data.length });
    const source = bufferSource(data, negotiated.blksize, netascii);
    return { path, generated: true, negotiated, oack: oackOf(negotiated), source };
  }
  const file = await openInRoot(ctx.realRoot, path);
  try {
    const size = netascii ? await netasciiFileSize(file.handle, file.size) : file.size;
    const negotiated = negotiate(requested, { ...ctx, size });
    const { blksize, windowsize } = negotiated;
    const source = netascii
      ? netasciiFileSource(file.handle, file.size, size, blksize, windowsize)
      : fileSource(file.handle, size, blksize);
    return { path, generated: false, negotiated, oack: oackOf(negotiated), source };
  } catch (err) {
    await file.handle.close().catch(() => undefined);
    throw err;
  }
}

function oackOf(n: Negotiated): Buffer | null {
  return n.oack.length > 0 ? encodeOack(n.oack) : null;
}
