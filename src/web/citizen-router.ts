/**
 * The citizen verification routes behind the QR code (issue 4 item 4), rate-limited per client:
 *
 * - GET  /v/:id?t=TOKEN          the page (full with the right token; status only without one)
 * - GET  /v/:id/file?t=TOKEN     the authentic signed PDF
 * - POST /v/:id/check?t=TOKEN    multipart `file`: fingerprint comparison + the full verifier
 *
 * Unknown ids, uncompleted reservations and wrong tokens all get the same 404 page, byte for
 * byte (no enumeration). Paths are absolute; mount the router at '/'.
 */
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { AppError, isAppError } from '../errors';
import { rateLimit } from '../http/rate-limit';
import { readMultipart } from '../http/multipart';
import type { DocumentsDeps } from '../documents/document';
import { lookupDocumentForCitizen, readDocumentFile } from '../documents/get-document';
import type { CitizenCheck, CitizenVerifyPdf } from './citizen-check';
import { CITIZEN_HEADERS } from './citizen-html';
import { renderCheckPage, type PageOptions } from './citizen-pages';
import { createCitizenAnswers, sendHtml } from './citizen-responses';
import { createCitizenFastPath, type CitizenFastPath } from './citizen-fast-path';

/** What the router needs. */
export interface CitizenRouterDeps {
  documents: Pick<DocumentsDeps, 'db' | 'store'>;
  /** The full verifier, adapted with citizenCheckFromReport; without it only fingerprints are compared. */
  verifyPdf?: CitizenVerifyPdf;
  /** Requests per minute per client (PUBLIC_RATE_LIMIT). */
  rateLimitPerMinute: number;
  /** Largest upload accepted by the check form. @defaultValue 50 MiB */
  maxUploadBytes?: number;
  /** Name of the system printed on the pages (Decree 45/2020 art. 18.2). @defaultValue 'kyso' */
  systemName?: string;
}

function tokenOf(req: Request): string | undefined {
  const t = req.query.t;
  return typeof t === 'string' ? t : undefined;
}

/** The router, and the fast path that answers cached pages before Express (citizen-fast-path.ts). */
export type CitizenRouter = Router & { fastPath: CitizenFastPath };

/**
 * Builds the router. Its `fastPath` shares the router's renderer and rate limiter; put it in
 * front of the Express app (`if (!fastPath(req, res)) app(req, res)`) for the performance target.
 */
export function createCitizenRouter(deps: CitizenRouterDeps): CitizenRouter {
  const router = Router();
  const opts: PageOptions = { systemName: deps.systemName ?? 'kyso' };
  const answers = createCitizenAnswers(opts);
  const notFound = answers.notFound;
  const limit = rateLimit({ perMinute: deps.rateLimitPerMinute });

  router.get('/v/:id', limit, async (req, res) => {
    const token = tokenOf(req);
    const view = await lookupDocumentForCitizen(deps.documents, { id: String(req.params.id), token });
    const answer = answers.forView(view, token);
    sendHtml(res, answer.status, answer.body);
  });

  router.get('/v/:id/file', limit, async (req, res) => {
    const file = await readDocumentFile(deps.documents, { id: String(req.params.id), token: tokenOf(req) });
    if (!file) return sendHtml(res, 404, notFound);
    res
      .status(200)
      .set({ ...CITIZEN_HEADERS, 'Content-Disposition': `attachment; filename="${file.document.id}.pdf"` })
      .type('application/pdf')
      .send(file.bytes);
  });

  router.post('/v/:id/check', limit, async (req, res) => {
    const token = tokenOf(req);
    const view = await lookupDocumentForCitizen(deps.documents, { id: String(req.params.id), token: token ?? '' });
    if (view.kind !== 'full') {
      req.resume();
      return sendHtml(res, 404, notFound);
    }
    const body = await readMultipart(req, { maxBytes: deps.maxUploadBytes ?? 50 * 1024 * 1024, maxFiles: 1 });
    const upload = body.files.find((f) => f.field === 'file');
    if (!upload) throw new AppError('BAD_REQUEST', 'Chưa chọn tệp: the form field "file" is required.');
    const sha256 = createHash('sha256').update(upload.data).digest('hex');
    let check: CitizenCheck | { error: string } | null = null;
    if (deps.verifyPdf) {
      try {
        check = await deps.verifyPdf(upload.data);
      } catch (e) {
        if (!isAppError(e)) throw e;
        check = { error: e.message };
      }
    }
    sendHtml(res, 200, renderCheckPage(view, token ?? '', { filename: upload.filename, sha256, size: upload.data.length }, check, opts));
  });

  return Object.assign(router, { fastPath: createCitizenFastPath({ documents: deps.documents, answers, limit }) });
}
