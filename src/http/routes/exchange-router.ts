/**
 * The exchange axis over HTTP (issue 5). Paths are absolute; mount at '/'. Routes are thin:
 * parse, call the use case, map. Every route first asks the queue whether Redis is reachable,
 * so that without Redis these endpoints answer 503 EXCHANGE_UNAVAILABLE naming the Redis URL
 * while the rest of kyso keeps working.
 *
 * - POST /api/v1/exchange/messages                agency; multipart `envelope` (JSON) + `attachments` (PDF) → 202
 * - POST /api/v1/exchange/packages                agency; an edXML document package (application/xml) → 202
 * - POST /api/v1/exchange/status-packages         agency; an edXML status package (application/xml)
 * - GET  /api/v1/exchange/messages/:id            sender, receiver or admin; transport + business timeline
 * - POST /api/v1/exchange/messages/:id/status     receiver; `{ code, description?, staffInfo? }`
 * - GET  /api/v1/exchange/inbox                   agency; delivered, not yet acknowledged
 * - GET  /api/v1/exchange/inbox/:id               agency; with attachments (base64); `?format=edxml` for the package
 * - POST /api/v1/exchange/inbox/:id/ack           agency; also records status 01
 * - GET  /api/v1/exchange/statuses?from=&to=      agency (own) or admin; ISO times, re-readable
 * - POST /api/v1/exchange/dead-letters/:id/replay admin; `?receiver=CODE` to replay one
 * - GET  /api/v1/exchange/reports?from=&to=       agency (own row) or admin
 * - POST /api/v1/exchange/federation/messages     peer axis; HMAC-signed (X-Kyso-Signature)
 * - POST /api/v1/exchange/federation/statuses     peer axis; HMAC-signed
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { assertAdmin, principalOf, requireAuth, type Authenticator } from '../auth';
import type { ExchangeDeps } from '../../exchange/exchange-deps';
import { getMessageTimeline } from '../../exchange/message-timeline';
import { postStatus } from '../../exchange/post-status';
import { statusInputSchema } from '../../exchange/status-message';
import { getInboxMessage, listInbox } from '../../exchange/inbox';
import { listStatuses } from '../../exchange/status-repository';
import { replayDeadLetters } from '../../exchange/replay-dead-letters';
import { buildExchangeReport } from '../../exchange/exchange-report';
import { acceptFederatedMessage, acceptFederatedStatus } from '../../exchange/federation-accept';
import { isValidRequestSignature, SIGNATURE_HEADER } from '../../exchange/webhook-signature';
import { exportInboxPackage } from '../../exchange/export-inbox-package';
import { importEdxmlMessage, importEdxmlStatus } from '../../exchange/import-edxml';
import { agencyCodeOf, createExchangeFastPath, handleAck, handleSend, parseWith, type ExchangeFastPath } from './exchange-hot-routes';

/** What the router needs: the authenticator and the exchange's dependencies. */
export interface ExchangeRouterDeps {
  auth: Authenticator;
  exchange: ExchangeDeps;
}

function agencyOf(res: Response): string {
  return agencyCodeOf(principalOf(res));
}

const DAY = 86_400_000;
function timeRange(req: Request): { since: Date; until: Date } {
  const q = parseWith(z.object({ from: z.string().datetime({ offset: true }).optional(), to: z.string().datetime({ offset: true }).optional() }), req.query, 'time range');
  const until = q.to ? new Date(q.to) : new Date(Date.now() + 1000);
  return { since: q.from ? new Date(q.from) : new Date(until.getTime() - 30 * DAY), until };
}

/** The router and its fast path for the two hot requests (exchange-hot-routes.ts). */
export type ExchangeRouter = Router & { fastPath: ExchangeFastPath };

/**
 * Builds the router. Its `fastPath` answers send and ack before Express with the same handlers;
 * put it in front of the app (`if (!fastPath(req, res)) app(req, res)`) for the relay target.
 */
export function createExchangeRouter(deps: ExchangeRouterDeps): ExchangeRouter {
  const router = Router();
  const x = deps.exchange;
  const auth = requireAuth(deps.auth);
  const available = async (_req: Request, _res: Response, next: () => void) => {
    await x.queue.assertAvailable();
    next();
  };
  const json = express.json({ limit: '64kb' });
  const base = '/api/v1/exchange';

  router.post(`${base}/messages`, auth, available, async (req, res) => {
    await handleSend(x, agencyOf(res), req, res);
  });

  const xml = express.text({ type: ['application/xml', 'text/xml'], limit: `${Math.ceil((x.options.maxTotalBytes * 4) / 3 / 1024 / 1024) + 1}mb` });
  const xmlBody = (req: Request): string => {
    if (typeof req.body !== 'string' || req.body.length === 0) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the edXML package as application/xml.');
    return req.body;
  };

  router.post(`${base}/packages`, auth, available, xml, async (req, res) => {
    res.status(202).json(await importEdxmlMessage(x, agencyOf(res), xmlBody(req)));
  });

  router.post(`${base}/status-packages`, auth, available, xml, async (req, res) => {
    const r = await importEdxmlStatus(x, agencyOf(res), xmlBody(req));
    res.status(r.duplicate ? 200 : 201).json(r);
  });

  router.get(`${base}/messages/:id`, auth, available, async (req, res) => {
    const p = principalOf(res);
    res.json(await getMessageTimeline(x, p.kind === 'admin' ? p : { kind: 'agency', agencyCode: p.agencyCode }, String(req.params.id)));
  });

  router.post(`${base}/messages/:id/status`, auth, available, json, async (req, res) => {
    const input = parseWith(statusInputSchema, req.body ?? {}, 'status');
    const r = await postStatus(x, agencyOf(res), String(req.params.id), input);
    res.status(r.duplicate ? 200 : 201).json(r);
  });

  router.get(`${base}/inbox`, auth, available, async (req, res) => {
    const limit = Number(req.query.limit ?? 100) || 100;
    res.json({ messages: await listInbox(x, agencyOf(res), limit) });
  });

  router.get(`${base}/inbox/:id`, auth, available, async (req, res) => {
    const receiver = agencyOf(res);
    if (req.query.format === 'edxml') {
      res.type('application/xml').send(await exportInboxPackage(x, receiver, String(req.params.id)));
      return;
    }
    res.json(await getInboxMessage(x, receiver, String(req.params.id)));
  });

  router.post(`${base}/inbox/:id/ack`, auth, available, async (req, res) => {
    await handleAck(x, agencyOf(res), String(req.params.id), res);
  });

  router.get(`${base}/statuses`, auth, available, async (req, res) => {
    const p = principalOf(res);
    const { since, until } = timeRange(req);
    const statuses = await listStatuses(x.db, p.kind === 'admin' ? null : p.agencyCode, since, until);
    res.json({ from: since.toISOString(), to: until.toISOString(), statuses });
  });

  router.post(`${base}/dead-letters/:id/replay`, auth, available, async (req, res) => {
    assertAdmin(principalOf(res));
    const receiver = typeof req.query.receiver === 'string' ? req.query.receiver : undefined;
    res.json(await replayDeadLetters(x, String(req.params.id), receiver));
  });

  router.get(`${base}/reports`, auth, available, async (req, res) => {
    const p = principalOf(res);
    const { since, until } = timeRange(req);
    res.json({ from: since.toISOString(), to: until.toISOString(), agencies: await buildExchangeReport(x, since, until, p.kind === 'admin' ? undefined : p.agencyCode) });
  });

  const signedBody = (req: Request): unknown => {
    const secret = x.options.federationSecret;
    const body = typeof req.body === 'string' ? req.body : '';
    if (!secret || !isValidRequestSignature(secret, body, req.get(SIGNATURE_HEADER))) {
      throw new AppError('EXCHANGE_SIGNATURE_INVALID', 'The request is not signed by a federated axis of this one.');
    }
    try {
      return JSON.parse(body);
    } catch {
      throw new AppError('BAD_REQUEST', 'The request body is not valid JSON.');
    }
  };
  const raw = express.text({ type: 'application/json', limit: `${Math.ceil((x.options.maxTotalBytes * 4) / 3 / 1024 / 1024) + 1}mb` });

  router.post(`${base}/federation/messages`, available, raw, async (req, res) => {
    res.json(await acceptFederatedMessage(x, signedBody(req) as never));
  });

  router.post(`${base}/federation/statuses`, available, raw, async (req, res) => {
    res.json(await acceptFederatedStatus(x, signedBody(req) as never));
  });

  return Object.assign(router, { fastPath: createExchangeFastPath(deps) });
}
