/**
 * createApp(deps): the Express application without listen(). Routers come from each area and are
 * mounted here; the composition root (src/compose.ts) builds them.
 */
import express, { type Router } from 'express';
import type { Logger } from '../log';
import { errorHandler } from './error-handler';

/** A router and where it is mounted. */
export interface Mount {
  path: string;
  router: Router;
}

/** What the app needs: a logger, the mounted routers and a readiness probe. */
export interface AppDeps {
  logger: Logger;
  mounts: Mount[];
  /** Extra facts reported by /healthz (database, redis...). */
  health?: () => Promise<Record<string, unknown>>;
}

/** Builds the Express app. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/healthz', async (_req, res) => {
    const facts = deps.health ? await deps.health() : {};
    res.json({ status: 'ok', ...facts });
  });
  for (const m of deps.mounts) app.use(m.path, m.router);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such endpoint.' } });
  });
  app.use(errorHandler(deps.logger));
  return app;
}
