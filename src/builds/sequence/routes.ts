import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../../log/index.js';
import { scrubSecrets, secretValues, type SequenceDocument } from './document.js';
import { engineScript } from './engine.js';
import { EVENT_BODY_LIMIT, parseSequenceEvent, type SequenceEvent } from './event.js';

/** What a callback token stands for, as the builds subsystem knows it. */
export interface SequenceTarget {
  /** The rendered sequence of the build behind the token. */
  readonly document: SequenceDocument;
  /** Serve the engine script to this token (default true). */
  readonly engineScript?: boolean;
}

/** What the sequence routes need. */
export interface SequenceRoutesOptions {
  /** The build behind a callback token, or null for tokens vizor does not know. */
  resolve(token: string): SequenceTarget | null;
  /** Told of every valid event, secrets already scrubbed from its message. */
  onEvent(token: string, event: SequenceEvent): void;
  readonly log: Logger;
  /** Templates folder holding windows/sequence/engine (tests point it elsewhere). */
  readonly templatesDir?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

/** A token shortened for logs: enough to tell builds apart, useless to an attacker. */
const shortToken = (token: string): string => `${token.slice(0, 4)}…`;

/**
 * Adds the guest-facing sequence routes to `router`: `GET /callbacks/<token>/sequence.json`
 * (the rendered document), `GET /callbacks/<token>/vizor-sequence.ps1` (the engine) and
 * `POST /callbacks/<token>/event` (JSON, at most 64 KiB, validated strictly). Unknown
 * tokens get 404; documents and event messages are never logged.
 */
export function sequenceRoutes(router: Router, o: SequenceRoutesOptions): void {
  /** Finds the token's target or answers 404 itself. */
  const target = (req: Request, res: Response): { token: string; hit: SequenceTarget } | null => {
    const token = String(req.params.token);
    const hit = TOKEN.test(token) ? o.resolve(token) : null;
    if (!hit) {
      o.log.debug({ callback: shortToken(token), path: req.path.replace(token, shortToken(token)) }, 'sequence callback for an unknown token');
      res.status(404).type('text/plain').send('not found\n');
      return null;
    }
    return { token, hit };
  };

  router.get('/callbacks/:token/sequence.json', (req, res) => {
    const t = target(req, res);
    if (!t) return;
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/json').send(JSON.stringify(t.hit.document));
  });

  router.get('/callbacks/:token/vizor-sequence.ps1', (req, res) => {
    const t = target(req, res);
    if (!t) return;
    if (t.hit.engineScript === false) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    let script: string;
    try {
      script = engineScript(o.templatesDir);
    } catch (err) {
      o.log.error({ err: (err as Error).message }, 'cannot read the sequence engine');
      res.status(500).type('text/plain').send('vizor: the sequence engine is missing; see the vizor log\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/plain; charset=utf-8').send(script);
  });

  const json = express.json({ limit: EVENT_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });
  router.post('/callbacks/:token/event', (req: Request, res: Response, next: NextFunction) => {
    // The token is checked before the body is read: unknown tokens cost no parsing.
    const t = target(req, res);
    if (!t) return;
    json(req, res, (err?: unknown) => {
      if (err) {
        const e = err as { type?: string; status?: number };
        if (e.type === 'entity.too.large') {
          res.status(413).type('text/plain').send(`vizor: event body larger than ${EVENT_BODY_LIMIT} bytes\n`);
        } else if (e.status && e.status < 500) {
          res.status(400).type('text/plain').send('vizor: event body is not valid JSON\n');
        } else {
          next(err);
        }
        return;
      }
      if (!req.is('application/json') && !req.is('application/*+json')) {
        res.status(415).type('text/plain').send('vizor: send the event as application/json\n');
        return;
      }
      const parsed = parseSequenceEvent(req.body);
      if ('problem' in parsed) {
        o.log.info({ callback: shortToken(t.token), problem: parsed.problem }, 'malformed sequence event refused');
        res.status(400).type('text/plain').send(`vizor: bad event: ${parsed.problem}\n`);
        return;
      }
      const event = parsed.event.message === undefined
        ? parsed.event
        : { ...parsed.event, message: scrubSecrets(parsed.event.message, [...secretValues(t.hit.document), t.token]) };
      o.log.info({ callback: shortToken(t.token), stage: event.stage, task: event.task, phase: event.phase, status: event.status, attempt: event.attempt }, 'sequence event');
      try {
        o.onEvent(t.token, event);
      } catch (e) {
        // This runs after the body was read, outside express's own error catching.
        o.log.error({ callback: shortToken(t.token), err: (e as Error).message }, 'cannot record sequence event');
        res.status(500).type('text/plain').send('vizor: cannot record this event; see the vizor log\n');
        return;
      }
      res.status(204).end();
    });
  });
}
