/** Options the worker passes to the native `create` (credentials included, in memory only). */
export interface NativeOptions {
  configFile: string;
  port: number;
  workgroup: string;
  user: string;
  password: string;
  signing: 'required' | 'if-required';
  timeoutMs: number;
}

/** What the worker is started with. */
export interface WorkerInit {
  addonPath: string;
  options: NativeOptions;
}

/** A request from the client to its worker; URLs never carry credentials. */
export type SmbRequest =
  | { id: number; op: 'connect'; url: string }
  | { id: number; op: 'stat'; url: string }
  | { id: number; op: 'list'; url: string }
  | { id: number; op: 'open'; url: string }
  | { id: number; op: 'read'; fd: number; offset: number; length: number }
  | { id: number; op: 'closeFile'; fd: number }
  | { id: number; op: 'destroy' };

/** A request without its id, as the client writes it. */
export type SmbCall = SmbRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Why a native call failed: an errno from libsmbclient, or the addon could not be loaded. */
export type NativeFailure =
  | { kind: 'errno'; errno: number; message: string }
  | { kind: 'missing'; message: string }
  | { kind: 'other'; message: string };

/** The worker's answer to one request. */
export type SmbReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; failure: NativeFailure };

/** A file's size, modification time (ms since the epoch) and type, as the addon reports them. */
export interface NativeStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** One directory entry, as the addon reports it. */
export interface NativeDirEntry extends NativeStat {
  name: string;
}

/** The functions of build/Release/vizor_smb.node (native/smb.c). */
export interface NativeSmb {
  create(options: NativeOptions): unknown;
  destroy(handle: unknown): void;
  stat(handle: unknown, url: string): NativeStat;
  list(handle: unknown, url: string): NativeDirEntry[];
  open(handle: unknown, url: string): number;
  pread(handle: unknown, fd: number, offset: number, length: number): ArrayBuffer;
  close(handle: unknown, fd: number): void;
}
