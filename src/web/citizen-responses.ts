/**
 * The bytes of the citizen page answers and how they are written, shared by the Express route
 * and the fast path (citizen-fast-path.ts) so that both answer byte for byte the same. Pages are
 * rendered once per view object: views from the citizen-view cache are shared and frozen, so a
 * page is rendered once per cache entry and goes away with it.
 */
import type { ServerResponse } from 'node:http';
import type { CitizenView } from '../documents/get-document';
import { CITIZEN_HEADERS } from './citizen-html';
import { renderFullPage, renderNotFoundPage, renderStatusPage, type PageOptions } from './citizen-pages';

const HTML_HEADERS: [string, string][] = [...Object.entries(CITIZEN_HEADERS), ['Content-Type', 'text/html; charset=utf-8']];

/** Writes a page with the citizen headers straight to node's response (no ETag: no-store). */
export function sendHtml(res: ServerResponse, status: number, html: string | Buffer): void {
  const body = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
  res.statusCode = status;
  for (const [name, value] of HTML_HEADERS) res.setHeader(name, value);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** The answer to `GET /v/:id` for a view. */
export interface CitizenAnswer {
  status: number;
  body: Buffer;
}

/** Renders (once per view) the answers of the citizen page. */
export interface CitizenAnswers {
  /** The one answer for unknown ids, pending reservations and wrong tokens. */
  readonly notFound: Buffer;
  /** The answer for a view; `token` is the URL's (only the right one reaches a full view). */
  forView(view: CitizenView, token: string | undefined): CitizenAnswer;
}

/** Builds the renderer of the citizen page answers. */
export function createCitizenAnswers(opts: PageOptions): CitizenAnswers {
  const notFound = Buffer.from(renderNotFoundPage(opts), 'utf8');
  const rendered = new WeakMap<object, Buffer>();
  return {
    notFound,
    forView(view, token) {
      if (view.kind === 'none') return { status: 404, body: notFound };
      let body = rendered.get(view);
      if (!body) {
        // a full view is only ever reached with the one right token, so its links are fixed
        body = Buffer.from(view.kind === 'status' ? renderStatusPage(view, opts) : renderFullPage(view, token ?? '', opts), 'utf8');
        rendered.set(view, body);
      }
      return { status: 200, body };
    },
  };
}
