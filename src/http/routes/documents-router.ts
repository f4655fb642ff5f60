/**
 * Issuer operations on registered documents (issue 4 item 5). Thin: authenticate, parse with
 * zod, call the use case, answer JSON. Paths are absolute, so mount the router at '/'; the
 * authentication is per route, so the router does not guard other paths it sees.
 *
 * - GET  /api/v1/documents/:id           issuer's key or admin
 * - POST /api/v1/documents/:id/revoke    { reason }
 * - POST /api/v1/documents/:id/replace   { reason, replacementId }
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { principalOf, requireAuth, type Authenticator } from '../auth';
import type { DocumentsDeps } from '../../documents/document';
import { getDocument } from '../../documents/get-document';
import { replaceDocument, revokeDocument } from '../../documents/change-document-status';

/** What the router needs. */
export interface DocumentsRouterDeps {
  /** Admin key chained with the registry authenticator. */
  auth: Authenticator;
  documents: DocumentsDeps;
}

const ZRevoke = z.object({ reason: z.string().trim().min(1).max(2000) });
const ZReplace = ZRevoke.extend({ replacementId: z.string().min(1).max(64) });

/** Parses a JSON body or throws VALIDATION_FAILED listing every problem. */
export function parseBody<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The request body is invalid: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

/** Builds the router. */
export function createDocumentsRouter(deps: DocumentsRouterDeps): Router {
  const router = Router();
  const auth = requireAuth(deps.auth);
  const json = express.json({ limit: '64kb' });

  router.get('/api/v1/documents/:id', auth, async (req, res) => {
    res.json(await getDocument(deps.documents, { id: String(req.params.id), actor: principalOf(res) }));
  });

  router.post('/api/v1/documents/:id/revoke', auth, json, async (req, res) => {
    const body = parseBody(ZRevoke, req);
    res.json(await revokeDocument(deps.documents, { id: String(req.params.id), reason: body.reason, actor: principalOf(res) }));
  });

  router.post('/api/v1/documents/:id/replace', auth, json, async (req, res) => {
    const body = parseBody(ZReplace, req);
    res.json(
      await replaceDocument(deps.documents, {
        id: String(req.params.id),
        reason: body.reason,
        replacementId: body.replacementId,
        actor: principalOf(res),
      }),
    );
  });

  return router;
}
