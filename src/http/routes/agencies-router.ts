/**
 * The agency directory over HTTP (issue 5 item 1). Paths are absolute; mount at '/'.
 *
 * - POST /api/v1/agencies        admin; `{ code, name, parent?, axis?, delivery? }` → 201 with
 *                                the agency and its first API key as `apiKey` (shown once)
 * - GET  /api/v1/agencies        any key; `?parent=CODE` filters children
 * - GET  /api/v1/agencies/:code  any key
 */
import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Tables } from '../../registry/tables';
import { assertAdmin, principalOf, requireAuth, type Authenticator, type Principal } from '../auth';
import { createAgency } from '../../agencies/create-agency';
import { getAgency, listAgencies } from '../../agencies/agencies-repository';
import { parseBody } from './documents-router';

/** What the router needs. */
export interface AgenciesRouterDeps {
  auth: Authenticator;
  db: Kysely<Tables>;
}

const ZDelivery = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('pull') }),
  z.object({ mode: z.literal('push'), webhookUrl: z.string().min(1).max(2000), hmacSecret: z.string().min(16).max(256).optional() }),
]);

const ZCreateAgency = z.object({
  code: z.string().max(32),
  name: z.string().trim().min(1).max(500),
  parent: z.string().max(32).nullish(),
  axis: z.string().min(1).max(2000).optional(),
  delivery: ZDelivery.optional(),
});

function actorOf(p: Principal): string {
  return p.kind === 'admin' ? 'admin' : `agency:${p.agencyCode}:${p.keyId}`;
}

/** Builds the router. */
export function createAgenciesRouter(deps: AgenciesRouterDeps): Router {
  const router = Router();
  const auth = requireAuth(deps.auth);

  router.post('/api/v1/agencies', auth, express.json({ limit: '32kb' }), async (req, res) => {
    const principal = principalOf(res);
    assertAdmin(principal);
    const body = parseBody(ZCreateAgency, req);
    const created = await createAgency(deps.db, { ...body, actor: actorOf(principal) });
    res.status(201).json(created);
  });

  router.get('/api/v1/agencies', auth, async (req, res) => {
    const parent = typeof req.query.parent === 'string' ? req.query.parent : undefined;
    res.json({ agencies: await listAgencies(deps.db, { parentCode: parent }) });
  });

  router.get('/api/v1/agencies/:code', auth, async (req, res) => {
    res.json(await getAgency(deps.db, String(req.params.code)));
  });

  return router;
}
