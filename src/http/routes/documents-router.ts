/**
 * Issuer operations on registered documents (issue 4 item 5). Thin: authenticate, parse with
 * zod, call the use case, answer JSON. Paths are absolute, so mount the router at '/'; the
 * authentication is per route, so the router does not guard other paths it sees.
 *
 * - GET  /api/v1/documents/:id           issuer's key or admin
 * - POST /api/v1/documents/:id/revoke    { reason }
 * - POST /api/v1/documents/:id/replace   { reason, replacementId }
 * - POST /api/v1/documents/reserve       { issuingAgencyCode } → { id, token, verificationUrl }
 *                                        (draw the QR of verificationUrl, then sign)
 * - POST /api/v1/documents/:id/complete  multipart: `file` (signed PDF) + `metadata` (JSON)
 * - POST /api/v1/documents               multipart: `file` + `metadata` incl. issuingAgencyCode
 *                                        (register a file already signed) → 201 { id, token, ... }
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { principalOf, requireAuth, type Authenticator } from '../auth';
import type { DocumentsDeps } from '../../documents/document';
import { getDocument } from '../../documents/get-document';
import { replaceDocument, revokeDocument } from '../../documents/change-document-status';
import { completeDocument, registerDocument, reserveDocument, type DocumentMetadata } from '../../documents/register-document';
import { readMultipart } from '../multipart';

/** What the router needs. */
export interface DocumentsRouterDeps {
  /** Admin key chained with the registry authenticator. */
  auth: Authenticator;
  documents: DocumentsDeps;
  /** Largest signed PDF accepted (MAX_PDF_BYTES). @defaultValue 200 MiB */
  maxUploadBytes?: number;
}

const ZRevoke = z.object({ reason: z.string().trim().min(1).max(2000) });
const ZReplace = ZRevoke.extend({ replacementId: z.string().min(1).max(64) });
const ZReserve = z.object({ issuingAgencyCode: z.string().min(1).max(32) });

/** Reads the `file` and `metadata` parts of a multipart upload. */
async function readSignedUpload(req: Request, maxBytes: number): Promise<{ bytes: Buffer; metadata: DocumentMetadata & { issuingAgencyCode?: string } }> {
  const body = await readMultipart(req, { maxBytes, maxFiles: 1 });
  const file = body.files.find((f) => f.field === 'file');
  if (!file) throw new AppError('VALIDATION_FAILED', 'The multipart part "file" (the signed PDF) is required.');
  let metadata: unknown;
  try {
    metadata = JSON.parse(body.fields.metadata ?? '');
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The multipart part "metadata" must hold a JSON object.');
  }
  if (!metadata || typeof metadata !== 'object') throw new AppError('VALIDATION_FAILED', 'The multipart part "metadata" must hold a JSON object.');
  return { bytes: file.data, metadata: metadata as DocumentMetadata & { issuingAgencyCode?: string } };
}

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

  const maxBytes = deps.maxUploadBytes ?? 200 * 1024 * 1024;

  router.post('/api/v1/documents/reserve', auth, json, async (req, res) => {
    const body = parseBody(ZReserve, req);
    res.status(201).json(await reserveDocument(deps.documents, { issuingAgencyCode: body.issuingAgencyCode, actor: principalOf(res) }));
  });

  router.post('/api/v1/documents/:id/complete', auth, async (req, res) => {
    const { bytes, metadata } = await readSignedUpload(req, maxBytes);
    res.json(await completeDocument(deps.documents, { id: String(req.params.id), signedBytes: bytes, metadata, actor: principalOf(res) }));
  });

  router.post('/api/v1/documents', auth, async (req, res) => {
    const { bytes, metadata } = await readSignedUpload(req, maxBytes);
    const actor = principalOf(res);
    const issuingAgencyCode = metadata.issuingAgencyCode ?? (actor.kind === 'agency' ? actor.agencyCode : undefined);
    if (!issuingAgencyCode) throw new AppError('VALIDATION_FAILED', 'metadata.issuingAgencyCode is required when the administrator registers a document.');
    const r = await registerDocument(deps.documents, { issuingAgencyCode, signedBytes: bytes, metadata, actor });
    res.status(201).json(r);
  });

  return router;
}
