import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { RandomAccessSource } from '../source.js';
import { WorkerChannel } from './channel.js';
import { SmbError, nativeMissingError, smbErrorFromErrno, type SmbPhase } from './errors.js';
import { locateAddon } from './native.js';
import type { NativeDirEntry, NativeStat, SmbCall } from './protocol.js';
import { SmbFileSource } from './source.js';
import { checkTarget, smbDescription, smbUrl, type SmbLocation, type SmbTarget } from './url.js';

/** One entry of a remote directory. */
export interface SmbDirEntry {
  name: string;
  isDirectory: boolean;
  size: number;
  mtime: Date;
}

/** Size, modification time and type of a remote path. */
export interface SmbStat {
  size: number;
  mtime: Date;
  isDirectory: boolean;
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** Largest single read sent to the worker (the addon accepts up to 64 MiB). */
const READ_CHUNK = 8 * 1024 * 1024;

/**
 * A connection to one SMB share, served by libsmbclient in a dedicated worker thread so
 * blocking calls never stall the event loop. Calls on one client are serialized by its
 * worker; calls of different clients by the addon's process-wide lock (see native/smb.c).
 * Paths are relative to the share root; "/" and "\\" both separate.
 */
export class SmbClient {
  private transferred = 0;

  private constructor(
    private readonly channel: WorkerChannel,
    /** Host, port and share (no credentials). */
    readonly location: SmbLocation,
  ) {}

  /** Connects and checks the share, so bad credentials, a missing share or host fail here. */
  static async connect(target: SmbTarget): Promise<SmbClient> {
    const location = checkTarget(target);
    const where = smbDescription(location, '');
    const addon = await locateAddon();
    if (!addon) throw nativeMissingError('not built');
    if (!isIP(location.host)) {
      try {
        await lookup(location.host);
      } catch (err) {
        throw new SmbError('SMB_UNREACHABLE', `${where}: server unreachable: cannot resolve ${location.host}`, { cause: err });
      }
    }
    const channel = new WorkerChannel(
      {
        addonPath: addon.addonPath,
        options: {
          configFile: addon.configFile,
          port: location.port,
          workgroup: target.domain ?? '',
          user: target.user ?? '',
          password: target.password ?? '',
          signing: target.signing ?? 'required',
          timeoutMs: target.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
      },
      where,
    );
    const client = new SmbClient(channel, location);
    try {
      const root = await client.call<NativeStat>({ op: 'connect', url: smbUrl(location, '') }, '', 'connect');
      if (!root.isDirectory) throw new SmbError('SMB_NO_SHARE', `${where}: share root is not a directory`);
    } catch (err) {
      await channel.terminate();
      throw err;
    }
    return client;
  }

  /** All payload bytes this client has read. */
  get bytesTransferred(): number {
    return this.transferred;
  }

  /** Lists a directory, without "." and "..". */
  async list(dir: string): Promise<SmbDirEntry[]> {
    const entries = await this.call<NativeDirEntry[]>({ op: 'list', url: smbUrl(this.location, dir) }, dir);
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory, size: e.size, mtime: new Date(e.mtimeMs) }));
  }

  /** Size, modification time and type of a path. */
  async stat(path: string): Promise<SmbStat> {
    const s = await this.call<NativeStat>({ op: 'stat', url: smbUrl(this.location, path) }, path);
    return { size: s.size, mtime: new Date(s.mtimeMs), isDirectory: s.isDirectory };
  }

  /** Opens a file for ranged reads; the source's description is its smb:// URL (no credentials). */
  async openSource(path: string): Promise<RandomAccessSource> {
    const info = await this.stat(path);
    const description = smbDescription(this.location, path);
    if (info.isDirectory) throw new SmbError('SMB_NOT_FOUND', `${description}: is a directory, not a file`);
    const fd = await this.call<number>({ op: 'open', url: smbUrl(this.location, path) }, path);
    return new SmbFileSource(
      {
        read: (offset, length) => this.readFile(fd, path, offset, length),
        close: async () => {
          if (!this.channel.closed) await this.call({ op: 'closeFile', fd }, path);
        },
      },
      info.size,
      description,
    );
  }

  /** Closes every file and the connection and stops the worker; safe to call twice. */
  async close(): Promise<void> {
    if (this.channel.closed) return;
    await this.channel.call({ op: 'destroy' }).catch(() => undefined);
    await this.channel.terminate();
  }

  private async readFile(fd: number, path: string, offset: number, length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let done = 0; done < length; ) {
      const want = Math.min(READ_CHUNK, length - done);
      const part = Buffer.from(await this.call<ArrayBuffer>({ op: 'read', fd, offset: offset + done, length: want }, path));
      this.transferred += part.length;
      parts.push(part);
      done += part.length;
      if (part.length < want) break; // end of file
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private async call<T>(call: SmbCall, path: string, phase: SmbPhase = 'call'): Promise<T> {
    const reply = await this.channel.call(call);
    if (reply.ok) return reply.value as T;
    const where = smbDescription(this.location, path);
    const f = reply.failure;
    if (f.kind === 'missing') throw nativeMissingError(f.message);
    if (f.kind === 'errno') throw smbErrorFromErrno(f.errno, f.message, where, phase);
    throw new SmbError('SMB_IO', `${where}: ${f.message}`);
  }
}
