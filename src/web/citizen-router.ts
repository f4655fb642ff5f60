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
import { lookupDocumentForCitizen, readDocumentFile, type CitizenView } from '../documents/get-document';
import type { CitizenCheck, CitizenVerifyPdf } from './citizen-check';
import { CITIZEN_HEADERS } from './citizen-html';
import { renderCheckPage, renderFullPage, renderNotFoundPage, renderStatusPage, type PageOptions } from './citizen-pages';

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

const HTML_HEADERS: [string, string][] = [...Object.entries(CITIZEN_HEADERS), ['Content-Type', 'text/html; charset=utf-8']];

/** Writes a page with the citizen headers, straight to node's response: no ETag (no-store). */
function sendHtml(res: Response, status: number, html: string | Buffer): void {
  const body = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
  res.statusCode = status;
  for (const [name, value] of HTML_HEADERS) res.setHeader(name, value);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/**
 * Rendered pages per view object. Views served from the citizen-view cache are shared and
 * frozen, so a page is rendered once per cache entry (the full page embeds the token in its
 * links, but only the one right token ever reaches a full view); entries go with their view.
 */
function pageMemo<V extends object>(render: (view: V) => string): (view: V) => Buffer {
  const memo = new WeakMap<V, Buffer>();
  return (view) => {
    let html = memo.get(view);
    if (!html) {
      html = Buffer.from(render(view), 'utf8');
      memo.set(view, html);
    }
    return html;
  };
}

/** Builds the router. */
export function createCitizenRouter(deps: CitizenRouterDeps): Router {
  const router = Router();
  const opts: PageOptions = { systemName: deps.systemName ?? 'kyso' };
  const notFound = Buffer.from(renderNotFoundPage(opts), 'utf8');
  const limit = rateLimit({ perMinute: deps.rateLimitPerMinute });
  const statusPage = pageMemo((view: Extract<CitizenView, { kind: 'status' }>) => renderStatusPage(view, opts));
  const fullPages = new WeakMap<object, Buffer>();

  router.get('/v/:id', limit, async (req, res) => {
    const token = tokenOf(req);
    const view = await lookupDocumentForCitizen(deps.documents, { id: String(req.params.id), token });
    if (view.kind === 'none') return sendHtml(res, 404, notFound);
    if (view.kind === 'status') return sendHtml(res, 200, statusPage(view));
    let html = fullPages.get(view);
    if (!html) {
      html = Buffer.from(renderFullPage(view, token ?? '', opts), 'utf8');
      fullPages.set(view, html);
    }
    sendHtml(res, 200, html);
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

  return router;
}
