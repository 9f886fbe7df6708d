import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { peerOf } from '../boot/http/request.js';

const TOKEN = /^[A-Za-z0-9_-]{16}$/;
const FIELDS = ['hostname', 'ip', 'mac', 'nonce', 'mode'] as const;

/**
 * `/callbacks/room/<token>`: a room VM's first boot reports what it was given (hostname,
 * address, MAC, the payload's nonce). The token is the payload's own, so only that VM can
 * report for itself; the report is kept on the VM's rollout row for `room show`.
 */
export function roomCallbacksRouter(o: { store: Store; log: Logger }): Router {
  const router = express.Router();
  router.get('/callbacks/room/:token', (req: Request, res: Response) => {
    const token = String(req.params.token);
    const row = TOKEN.test(token) ? o.store.rooms.byToken(token) : null;
    if (!row) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    const report: Record<string, string> = { at: new Date().toISOString(), peer: peerOf(req) };
    for (const f of FIELDS) {
      const v = req.query[f];
      if (typeof v === 'string' && v.length <= 200 && !/[\u0000-\u001f]/.test(v)) report[f] = v;
    }
    o.store.rooms.put({ ...row, detail: { ...row.detail, report } });
    o.log.info({ room: row.room, vm: row.name, hostname: report.hostname, ip: report.ip }, 'room VM reported');
    res.type('text/plain').send('ok\n');
  });
  return router;
}
