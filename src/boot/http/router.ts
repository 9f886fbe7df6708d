import express, { type Request, type Response, type Router } from 'express';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Logger } from '../../log/index.js';
import type { Store } from '../../store/index.js';
import type { PeerDirectory } from '../peers.js';
import type { TemplateRenderer } from '../../templates/index.js';
import { parseIpxeQuery, planScript, scriptUrlFor, type DefaultTask, type LinuxTreeLookup, type WindowsBootFacts } from './script.js';
import { asWindowsInstall, WINPE_FILES } from './windows.js';
import type { NodeRow } from '../../store/index.js';
import { answersRoutes } from './answer-routes.js';
import { windowsAnswerRoutes } from './windows-routes.js';
import { peerOf } from './request.js';

/** What the boot routes need. */
export interface BootRouterOptions {
  readonly store: Store;
  /** Maps client addresses to MACs for requests that carry none. */
  readonly peers: PeerDirectory;
  readonly renderer: TemplateRenderer;
  readonly defaultTask: DefaultTask;
  /** Folder of boot binaries (ipxe.efi, snponly.efi, undionly.kpxe...) also served over HTTP. */
  readonly bootFilesDir: string;
  readonly log: Logger;
  /**
   * Finds paths inside a cataloged ISO case-insensitively, giving each one's on-ISO path or
   * null; windows-install tasks need it (without it they wait like unsupported tasks).
   */
  readonly isoFiles?: (isoId: number, paths: readonly string[]) => Promise<(string | null)[]>;
  /** Answer-file rendering needs secrets (Administrator and share passwords). */
  readonly secret?: (name: string) => string | null;
}

/**
 * The unauthenticated boot endpoints: `/boot/ipxe` answers each node's iPXE script, and
 * `/boot/<file>` serves boot binaries. Every request is recorded as a node event.
 */
export function bootRouter(o: BootRouterOptions): Router {
  const router = express.Router();
  const linuxTree: LinuxTreeLookup = (id) => {
    try {
      const iso = o.store.query.getIso(String(id));
      return iso.missing ? null : iso.linux;
    } catch {
      return null;
    }
  };

  /** Resolves a windows-install node's boot files before the (synchronous) planning. */
  const windowsFacts = async (node: NodeRow | null): Promise<WindowsBootFacts | undefined> => {
    const win = node ? asWindowsInstall(node.task) : null;
    if (!win || !o.isoFiles) return undefined;
    const none = { bios: [], uefi: [] };
    if (!existsSync(join(o.bootFilesDir, 'wimboot'))) {
      return { found: none, problem: `wimboot is missing from ${o.bootFilesDir}: run appliance/setup.sh --wimboot <file>` };
    }
    try {
      // One lookup of every file either firmware needs (boot.sdi and boot.wim are shared).
      const paths = [...new Set([...WINPE_FILES.bios, ...WINPE_FILES.uefi].map((f) => f.path))];
      const hits = await o.isoFiles(win.isoId, paths);
      const at = (fw: 'bios' | 'uefi') => WINPE_FILES[fw].map((f) => hits[paths.indexOf(f.path)] ?? null);
      return { found: { bios: at('bios'), uefi: at('uefi') } };
    } catch (err) {
      return { found: none, problem: `ISO ${win.isoId} cannot be read: ${(err as Error).message}` };
    }
  };

  router.get('/boot/ipxe', async (req: Request, res: Response) => {
    const q = parseIpxeQuery(req.query as Record<string, unknown>);
    if ('problem' in q) {
      o.log.debug({ peer: req.socket.remoteAddress, problem: q.problem }, 'bad /boot/ipxe request');
      res.status(400).type('text/plain').send(`vizor: ${q.problem}\n`);
      return;
    }
    const scriptUrl = scriptUrlFor(req.headers.host ?? '', q);
    if (!scriptUrl) {
      res.status(400).type('text/plain').send('vizor: bad Host header\n');
      return;
    }
    let node = o.store.nodes.find(q.mac);
    if (!node && o.defaultTask === 'register') node = o.store.nodes.add({ mac: q.mac, uuid: q.uuid, task: { kind: 'register' } });
    const windows = await windowsFacts(node);
    const plan = planScript(node, q, o.defaultTask, scriptUrl, linuxTree, windows);
    let script: string;
    try {
      script = o.renderer.render(plan.template, plan.context);
    } catch (err) {
      o.log.error({ mac: q.mac, err: (err as Error).message }, 'cannot render iPXE script');
      o.store.nodes.record(q.mac, 'http-script-error', { task: plan.task, error: (err as Error).message });
      res.status(500).type('text/plain').send('vizor: cannot render this node\'s script; see the vizor log\n');
      return;
    }
    o.peers.learn(peerOf(req), q.mac);
    o.store.nodes.record(q.mac, 'http-script', { task: plan.task, ...(plan.context.problem ? { problem: plan.context.problem } : {}), known: node !== null, uuid: q.uuid, buildarch: q.buildarch, platform: q.platform });
    res.type('text/plain').send(script);
  });

  windowsAnswerRoutes(router, o);
  answersRoutes(router, o);

  // Resolved once: the boot folder does not move while vizor runs.
  let bootRoot: string | null = null;
  const rootOf = (): string => (bootRoot ??= existsSync(o.bootFilesDir) ? realpathSync(o.bootFilesDir) : o.bootFilesDir);

  router.get('/boot/:file', (req: Request, res: Response) => {
    const file = String(req.params.file);
    // Only plain names inside the boot folder: no dot-files, no traversal, no symlink escape.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file)) {
      res.status(404).end();
      return;
    }
    const path = join(o.bootFilesDir, file);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      res.status(404).end();
      return;
    }
    const root = rootOf();
    if (!real.startsWith(root + sep) || !statSync(real).isFile()) {
      res.status(404).end();
      return;
    }
    const mac = o.peers.macOf(req.socket.remoteAddress ?? '');
    res.sendFile(real, { dotfiles: 'deny' }, (err) => {
      if (mac) o.store.nodes.record(mac, 'http-fetch', { path: `/boot/${file}`, ok: !err });
    });
  });

  return router;
}
