import express, { type Request, type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import { validHost } from '../boot/http/request.js';


/**
 * `/boot/vizor-ipxe.iso`: the iPXE boot ISO CloudStack containers start from (CloudStack
 * cannot network-boot). Its embedded script chains to the vizor address the platform used
 * to download it, so one ISO is built per Host and cached.
 */
export function ipxeIsoRouter(o: { cacheDir: string; log: Logger }): Router {
  const router = express.Router();
  const building = new Map<string, Promise<string>>();
  router.get('/boot/vizor-ipxe.iso', async (req: Request, res: Response) => {
    const host = req.headers.host ?? '';
    if (!validHost(host)) {
      res.status(400).type('text/plain').send('vizor: bad Host header\n');
      return;
    }
    const file = join(o.cacheDir, `vizor-ipxe-${createHash('sha256').update(host).digest('hex').slice(0, 16)}.iso`);
    let pending = building.get(file);
    if (!pending) {
      pending = (async () => {
        if (!existsSync(file)) {
          await mkdir(o.cacheDir, { recursive: true });
          const { buildIpxeIso } = await import('../hypervisors/cloudstack/index.js');
          await buildIpxeIso({ vizorUrl: `http://${host}`, output: file });
        }
        return file;
      })();
      pending.catch(() => building.delete(file));
      building.set(file, pending);
    }
    try {
      res.sendFile(await pending);
    } catch (err) {
      o.log.error({ err: (err as Error).message }, 'cannot build the iPXE boot ISO');
      res.status(500).type('text/plain').send(`vizor: cannot build the iPXE boot ISO: ${(err as Error).message}\n`);
    }
  });
  return router;
}
