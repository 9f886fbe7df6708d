import type { Request, Response, Router } from 'express';
import type { Logger } from '../../log/index.js';
import type { Store } from '../../store/index.js';
import type { PeerDirectory } from '../peers.js';
import type { TemplateRenderer } from '../../templates/index.js';
import { answerContext, answerFileName, authoriseAnswer } from './answers.js';
import { peerOf, validHost } from './request.js';

/** What the answer-file routes need (a subset of the boot router's options). */
export interface AnswerRoutesOptions {
  readonly store: Store;
  readonly peers: PeerDirectory;
  readonly renderer: TemplateRenderer;
  readonly log: Logger;
}

const STAGE = /^[a-z][a-z0-9-]{0,39}$/;

/** The catalog's codename of an ISO (e.g. bookworm), or null. */
function codenameOf(store: Store, isoId: number): string | null {
  try {
    return store.query.getIso(String(isoId)).linux?.codename ?? null;
  } catch {
    return null;
  }
}


/**
 * Adds `/answers/<token>/preseed.cfg|kickstart.cfg` (a node's answer file) and
 * `/answers/<token>/done` (the installer's completion call) to `router`. Unknown tokens,
 * the wrong file for the task's family, and a requester whose address belongs to another
 * MAC all get the same 404. Answer files carry password hashes: they are never logged,
 * and the token is logged only by its first characters.
 */
export function answersRoutes(router: Router, o: AnswerRoutesOptions): void {
  const authorise = (req: Request, res: Response) => {
    const token = String(req.params.token);
    const peer = peerOf(req);
    const hit = authoriseAnswer(o.store.nodes.withTaskToken(token), token, o.peers.macOf(peer));
    if ('refused' in hit) {
      o.log.info({ peer, token: `${token.slice(0, 4)}…`, reason: hit.refused }, 'answer request refused');
      res.status(404).type('text/plain').send('not found\n');
      return null;
    }
    return hit;
  };

  router.get('/answers/:token/:file', (req: Request, res: Response, next) => {
    const file = String(req.params.file);
    if (file === 'done' || file === 'stage') return next();
    const hit = authorise(req, res);
    if (!hit) return;
    const host = req.headers.host ?? '';
    if (file !== answerFileName(hit.task.family) || !validHost(host)) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    const template = `linux/${file}.njk`;
    let body: string;
    try {
      body = o.renderer.render(template, answerContext(hit.node, hit.task, `http://${host}`, codenameOf(o.store, hit.task.isoId)));
    } catch (err) {
      // The message names the template and problem, never the rendered answer file.
      o.log.error({ mac: hit.node.mac, err: (err as Error).message }, 'cannot render answer file');
      o.store.nodes.record(hit.node.mac, 'answer-error', { file, error: (err as Error).message });
      res.status(500).type('text/plain').send('vizor: cannot render this node\'s answer file; see the vizor log\n');
      return;
    }
    o.store.nodes.record(hit.node.mac, 'answer-fetch', { file, peer: peerOf(req), isoId: hit.task.isoId });
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/plain').send(body);
  });

  const done = (req: Request, res: Response) => {
    const hit = authorise(req, res);
    if (!hit) return;
    // The install is over: boot from disk next time instead of installing again.
    o.store.nodes.setTask(hit.node.mac, { kind: 'local' });
    o.store.nodes.record(hit.node.mac, 'install-done', { peer: peerOf(req), isoId: hit.task.isoId, family: hit.task.family, nextTask: 'local' });
    o.log.info({ mac: hit.node.mac, iso: hit.task.isoId }, 'linux install done; task set to local');
    res.type('text/plain').send('ok\n');
  };
  router.get('/answers/:token/done', done);
  router.post('/answers/:token/done', done);

  // An installer reports a stage (installer-started, disk-written...) as it goes.
  const stage = (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!STAGE.test(name)) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    const hit = authorise(req, res);
    if (!hit) return;
    o.store.nodes.record(hit.node.mac, 'install-stage', { stage: name, source: 'http', peer: peerOf(req) });
    res.type('text/plain').send('ok\n');
  };
  router.get('/answers/:token/stage/:name', stage);
  router.post('/answers/:token/stage/:name', stage);
}
