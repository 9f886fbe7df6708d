// Hosts one libsmbclient context in its own thread: libsmbclient blocks and a context is
// not thread-safe, so every call runs here synchronously, one message at a time. Read
// results travel back as transferred ArrayBuffers (no copy).
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { NativeFailure, NativeSmb, SmbReply, SmbRequest, WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
let native: NativeSmb | null = null;
let handle: unknown = null;

function loadNative(): NativeSmb {
  try {
    return createRequire(import.meta.url)(init.addonPath) as NativeSmb;
  } catch (err) {
    throw Object.assign(new Error((err as Error).message), { missing: true });
  }
}

function run(req: SmbRequest): { value: unknown; transfer?: ArrayBuffer[] } {
  if (req.op === 'connect') {
    native ??= loadNative();
    handle ??= native.create(init.options);
    init.options.password = ''; // the context holds its own copy
    return { value: native.stat(handle, req.url) };
  }
  if (req.op === 'destroy') {
    if (native && handle !== null) native.destroy(handle);
    handle = null;
    return { value: null };
  }
  if (!native || handle === null) throw new Error('smb worker: not connected');
  switch (req.op) {
    case 'stat':
      return { value: native.stat(handle, req.url) };
    case 'list':
      return { value: native.list(handle, req.url) };
    case 'open':
      return { value: native.open(handle, req.url) };
    case 'read': {
      const data = native.pread(handle, req.fd, req.offset, req.length);
      return { value: data, transfer: [data] };
    }
    case 'closeFile':
      native.close(handle, req.fd);
      return { value: null };
  }
}

function failure(err: unknown): NativeFailure {
  const e = err as { message?: unknown; errno?: unknown; missing?: unknown };
  const message = String(e?.message ?? err);
  if (e?.missing) return { kind: 'missing', message };
  if (typeof e?.errno === 'number') return { kind: 'errno', errno: e.errno, message };
  return { kind: 'other', message };
}

parentPort!.on('message', (req: SmbRequest) => {
  let reply: SmbReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const out = run(req);
    reply = { id: req.id, ok: true, value: out.value };
    transfer = out.transfer ?? [];
  } catch (err) {
    reply = { id: req.id, ok: false, failure: failure(err) };
  }
  parentPort!.postMessage(reply, transfer);
});
