import express, { type Request, type Response, type Router } from 'express';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';

/** Payload ISO names as rooms write them: `<vm>-<12 hex>.iso`; the random part makes the URL unguessable. */
const PAYLOAD = /^[A-Za-z0-9-]{1,63}-[0-9a-f]{12}\.iso$/;

/**
 * `/payloads/<file>`: a room VM's payload ISO for platforms that fetch ISOs by URL
 * (CloudStack registerIso). Served only while the rollout needs it: the file is deleted
 * after the VM's first boot, and the name is unguessable.
 */
export function payloadRouter(o: { payloadRoot: string; log: Logger }): Router {
  const router = express.Router();
  router.get('/payloads/:file', (req: Request, res: Response) => {
    const file = String(req.params.file);
    if (!PAYLOAD.test(file) || !existsSync(o.payloadRoot)) {
      res.status(404).end();
      return;
    }
    for (const room of readdirSync(o.payloadRoot)) {
      const path = join(o.payloadRoot, room, file);
      if (existsSync(path)) {
        o.log.info({ room, peer: req.socket.remoteAddress }, 'payload ISO fetched');
        res.sendFile(path, { dotfiles: 'deny', headers: { 'Cache-Control': 'no-store' } });
        return;
      }
    }
    res.status(404).end();
  });
  return router;
}
