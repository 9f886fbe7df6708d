import express, { type Router } from 'express';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { buildSequenceDocument, sequenceRoutes } from '../builds/index.js';
import type { SequenceDocument } from '../builds/sequence/index.js';

/**
 * The provisioner sequence's callbacks for Windows builds: the token is the build's own
 * (the same one its answer files carry), the document is rendered from the build's
 * sequence, and every event lands in the build's log where the runner reads it.
 */
export function sequenceCallbacksRouter(o: { store: Store; log: Logger }): Router {
  const router = express.Router();
  // A build's sequence does not change while it runs: read and render its file once.
  const documents = new Map<string, SequenceDocument | null>();
  sequenceRoutes(router, {
    log: o.log,
    resolve: (token) => {
      const build = o.store.builds.byToken(token);
      if (!build || build.state !== 'running') {
        if (build) documents.delete(build.id);
        return null;
      }
      if (!documents.has(build.id)) documents.set(build.id, buildSequenceDocument(build));
      const document = documents.get(build.id)!;
      return document ? { document } : null;
    },
    onEvent: (token, event) => {
      const build = o.store.builds.byToken(token);
      if (build) o.store.builds.event(build.id, build.stage, 'sequence', event as unknown as Record<string, unknown>);
    },
  });
  return router;
}
