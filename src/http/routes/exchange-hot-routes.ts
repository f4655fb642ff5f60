/**
 * The two requests every relayed message makes: POST /api/v1/exchange/messages (send) and
 * POST /api/v1/exchange/inbox/:id/ack. Their handlers use only node:http's request and response,
 * so that the Express routes (exchange-router.ts) and {@link createExchangeFastPath} share them.
 *
 * The fast path is meant to answer these two exact paths before Express in main.ts, the way the
 * citizen pages are (`if (!fastPath(req, res)) app(req, res)`). Express's app.handle costs about
 * 75 µs of CPU per request on the 2-core bench machine, half of it Object.setPrototypeOf on req
 * and res, which also slows every later access to them (a bare node:http handler: 43 µs per
 * request with its client; behind Express: 120 µs); in the relay bench the API's CPU per message
 * went from ~1.58 to ~1.25 ms with it. Same authentication, same order of checks (401, then 503,
 * then 403, then the body), same answers and error bodies (exchange-fast-path.test.ts); any other
 * method, path spelling or query string is left to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, toAppError } from '../../errors';
import type { Authenticator, Principal } from '../auth';
import { readExchangeMultipart } from '../exchange-multipart';
import { envelopeSchema } from '../../exchange/envelope';
import type { ExchangeDeps } from '../../exchange/exchange-deps';
import { sendMessage } from '../../exchange/send-message';
import { ackInboxMessage } from '../../exchange/inbox';

/** The agency a principal acts for; FORBIDDEN for the administrator. */
export function agencyCodeOf(p: Principal): string {
  if (p.kind !== 'agency') throw new AppError('FORBIDDEN', 'Only an agency key may do this.');
  return p.agencyCode;
}

/** `schema.parse` with the router's VALIDATION_FAILED message (every problem, by path). */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The ${what} is invalid: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

/**
 * A JSON answer written directly: express's res.json adds an ETag (a SHA-1 of the body), which
 * no client can use on a POST answer, and several header passes.
 */
export function answerJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** POST /api/v1/exchange/messages by agency `from`: multipart envelope + attachments → 202. */
export async function handleSend(x: ExchangeDeps, from: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // one more file than allowed reaches sendMessage, which names the limit; the body may hold
  // the attachments' total, the envelope (4 MiB at most) and the multipart framing
  const body = await readExchangeMultipart(req, {
    maxFileBytes: x.options.maxAttachmentBytes, maxFiles: x.options.maxAttachments + 1, maxBodyBytes: x.options.maxTotalBytes + 5 * 1024 * 1024,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(body.fields.envelope ?? '');
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The multipart part "envelope" must hold the envelope as JSON.');
  }
  const envelope = parseWith(envelopeSchema, raw, 'envelope');
  const attachments = body.files.filter((f) => f.field === 'attachments')
    .map((f) => ({ name: f.filename || 'attachment.pdf', contentType: f.mimeType, data: f.data }));
  answerJson(res, 202, await sendMessage(x, from, envelope, attachments));
}

/** POST /api/v1/exchange/inbox/:id/ack by agency `receiver`. */
export async function handleAck(x: ExchangeDeps, receiver: string, id: string, res: ServerResponse): Promise<void> {
  answerJson(res, 200, await ackInboxMessage(x, receiver, id));
}

/** Answers a request before Express when it is one of the two hot requests; false otherwise. */
export type ExchangeFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const SEND_PATH = '/api/v1/exchange/messages';
const ACK_PATH = /^\/api\/v1\/exchange\/inbox\/([^/?#]+)\/ack$/;

/** Builds the fast path over the same authenticator and exchange dependencies as the router. */
export function createExchangeFastPath(deps: { auth: Authenticator; exchange: ExchangeDeps }): ExchangeFastPath {
  const x = deps.exchange;
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    let id = '';
    if (url !== SEND_PATH) {
      const m = ACK_PATH.exec(url);
      if (!m) return false;
      try {
        id = decodeURIComponent(m[1]);
      } catch {
        return false; // Express answers a malformed parameter
      }
    }
    void (async () => {
      try {
        // requireAuth's rules, then the router's availability check, then the route
        const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        if (!bearer) throw new AppError('UNAUTHORIZED', 'An API key is required: send Authorization: Bearer <key>.');
        const principal = await deps.auth.authenticate(bearer[1]);
        if (!principal) throw new AppError('UNAUTHORIZED', 'The API key is not recognised.');
        await x.queue.assertAvailable();
        const agency = agencyCodeOf(principal);
        await (url === SEND_PATH ? handleSend(x, agency, req, res) : handleAck(x, agency, id, res));
      } catch (e) {
        // what src/http/error-handler.ts answers and logs
        const appError = toAppError(e);
        if (appError.status >= 500) x.logger.error({ err: e, path: url }, appError.message);
        else x.logger.debug({ code: appError.code, path: url }, appError.message);
        if (!res.headersSent) answerJson(res, appError.status, { error: appError.toJSON() });
      }
    })();
    return true;
  };
}
