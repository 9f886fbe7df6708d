/**
 * What the local QEMU platform offers: its version and set-up (test), its one network,
 * templates, ISO files, the state folder as storage, and the virtio-win tools ISO.
 */
import { constants } from 'node:fs';
import { access, mkdir, readdir, stat, statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openImageFile, recogniseTools } from '../../media/index.js';
import type { PlatformInfo, PlatformResource, ResourceKind } from '../types.js';
import { networkName, platform, type QemuContext } from './context.js';
import { resolveAccel } from './runtime.js';

const readable = (p: string): Promise<boolean> => access(p, constants.R_OK).then(() => true, () => false);

/** Checks binaries, bridge and state folder; reports QEMU's version and the resolved set-up. */
export async function testPlatform(ctx: QemuContext): Promise<PlatformInfo> {
  const version = await ctx.host.qemuVersion();
  await ctx.host.qemuImgVersion();
  if (ctx.opts.bridge) await ctx.host.requireBridge();
  await mkdir(ctx.opts.stateDir, { recursive: true });
  const uefi = (await readable(ctx.opts.ovmfCode)) && (await readable(ctx.opts.ovmfVars));
  const details: Record<string, string | number | boolean> = {
    accel: await resolveAccel(ctx.opts.accel),
    machine: ctx.opts.machine,
    network: networkName(ctx),
    stateDir: ctx.opts.stateDir,
    uefi,
  };
  if (ctx.opts.netns) details.netns = ctx.opts.netns;
  return { kind: platform, endpoint: `qemu://${hostname()}${ctx.opts.stateDir}`, version, details };
}

/** ISO file names in isoDir (an empty list without one). */
async function isoFiles(ctx: QemuContext): Promise<string[]> {
  if (!ctx.opts.isoDir) return [];
  const names = await readdir(ctx.opts.isoDir).catch(() => [] as string[]);
  return names.filter((n) => /\.iso$/i.test(n)).sort();
}

/** Resources of one kind; kinds the local platform has no notion of give an empty list. */
export async function listResources(ctx: QemuContext, kind: ResourceKind): Promise<PlatformResource[]> {
  switch (kind) {
    case 'network': {
      const name = networkName(ctx);
      return [{ kind, id: name, name, details: ctx.opts.netns ? { netns: ctx.opts.netns } : { isolated: !ctx.opts.bridge } }];
    }
    case 'template':
      return (await ctx.store.list())
        .filter((r) => r.isTemplate)
        .map((r) => ({ kind, id: r.id, name: r.name, details: { published: r.published, firmware: r.firmware, diskGiB: r.diskGiB } }));
    case 'iso': {
      const out: PlatformResource[] = [];
      for (const name of await isoFiles(ctx)) {
        const size = await stat(join(ctx.opts.isoDir!, name)).then((s) => s.size, () => -1);
        if (size >= 0) out.push({ kind, id: name, name, details: { size } });
      }
      return out;
    }
    case 'storage': {
      await mkdir(ctx.opts.stateDir, { recursive: true });
      const fs = await statfs(ctx.opts.stateDir);
      return [{ kind, id: ctx.opts.stateDir, name: 'local', details: { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize } }];
    }
    case 'host':
      return [{ kind, id: hostname(), name: hostname() }];
    default:
      return [];
  }
}

/**
 * The virtio-win drivers ISO in isoDir, recognised by vizor's own ISO reader from its volume
 * label (`virtio-win-…`) or its root folders; null when there is none. Unreadable ISOs are skipped.
 */
export async function findToolsIso(ctx: QemuContext): Promise<PlatformResource | null> {
  for (const name of await isoFiles(ctx)) {
    const path = join(ctx.opts.isoDir!, name);
    let image: Awaited<ReturnType<typeof openImageFile>> | null = null;
    try {
      image = await openImageFile(path);
      const root = (await image.list('/')).map((e) => e.name);
      const tools = recogniseTools(root, image.label);
      if (tools?.family === 'virtio') {
        const details: Record<string, string | boolean> = { is_tools_iso: true, label: image.label, family: 'virtio' };
        if (tools.version) details.version = tools.version;
        return { kind: 'iso', id: name, name, details };
      }
    } catch (err) {
      ctx.opts.logger?.debug({ iso: path, err: (err as Error).message }, 'qemu driver: skipping unreadable ISO');
    } finally {
      await image?.close().catch(() => undefined);
    }
  }
  return null;
}
