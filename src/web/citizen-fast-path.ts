/**
 * A fast path for the citizen page `GET /v/:id?t=TOKEN` in front of Express (issue 4
 * performance: 2,000 requests per second). Express costs several times the page itself per
 * request, so when the document is in the per-process citizen-view cache the page is answered on
 * node's request directly; everything else (a cache miss, another path or method, a client over
 * its rate limit, an encoded or unusual URL) returns false and goes through Express unchanged,
 * whose route reads the registry and fills the cache.
 *
 * The answers are the Express route's, byte for byte (same renderer, same headers), the rate
 * limit is the router's own counter (same budget per client), and the client address follows
 * Express's `trust proxy` 'loopback' setting (src/http/app.ts): X-Forwarded-For is believed only
 * through loopback proxies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { DocumentsDeps } from '../documents/document';
import { cachedCitizenView } from '../documents/get-document';
import { sendHtml, type CitizenAnswers } from './citizen-responses';

/** Answers the request and returns true, or returns false and leaves it untouched. */
export type CitizenFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/** An Express-style rate-limit middleware: calls next() when allowed, throws when over the limit. */
export type RateLimitMiddleware = (req: Request, res: Response, next: NextFunction) => void;

/** What the fast path needs (built by createCitizenRouter, which shares them with its routes). */
export interface CitizenFastPathDeps {
  documents: Pick<DocumentsDeps, 'db'>;
  answers: CitizenAnswers;
  limit: RateLimitMiddleware;
  /** Trusted proxy addresses (Express's compiled `trust proxy`). @defaultValue loopback */
  trustProxy?: (address: string, hop: number) => boolean;
}

const LOOPBACK = /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i;

/** Express's `trust proxy: 'loopback'`: 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return address === '::1' || LOOPBACK.test(address);
}

/**
 * The client address as Express computes `req.ip` (proxy-addr): from the socket back through
 * X-Forwarded-For, the first address that is not a trusted proxy.
 */
export function clientAddress(req: IncomingMessage, trust: (address: string, hop: number) => boolean = isLoopback): string | undefined {
  const socket = req.socket.remoteAddress;
  if (socket === undefined) return undefined;
  if (!trust(socket, 0)) return socket;
  const header = req.headers['x-forwarded-for'];
  if (typeof header !== 'string') return socket;
  const hops = header.split(/[\s,]+/).filter((a) => a !== '').reverse();
  let address = socket;
  for (let i = 0; i < hops.length; i++) {
    address = hops[i];
    if (!trust(address, i + 1)) return address;
  }
  return address;
}

/** The id and token of `/v/<id>?t=<token>`, or undefined for any other URL. */
function parseCitizenUrl(url: string): { id: string; token: string | undefined } | undefined {
  if (!url.startsWith('/v/')) return undefined;
  const q = url.indexOf('?');
  const id = url.slice(3, q < 0 ? undefined : q);
  if (id === '' || id.includes('/') || id.includes('%')) return undefined;
  if (q < 0) return { id, token: undefined };
  const ts = new URLSearchParams(url.slice(q + 1)).getAll('t');
  // as Express's query parser: a repeated t is an array, which the route treats as no token
  return { id, token: ts.length === 1 ? ts[0] : undefined };
}

/** Builds the fast path. */
export function createCitizenFastPath(deps: CitizenFastPathDeps): CitizenFastPath {
  return (req, res) => {
    if (req.method !== 'GET' || req.url === undefined) return false;
    const parsed = parseCitizenUrl(req.url);
    if (!parsed) return false;
    const view = cachedCitizenView(deps.documents, parsed);
    if (!view) return false;
    let allowed = false;
    try {
      // the router's limiter reads req.ip and sets headers; over the limit it throws, and the
      // request goes on to Express, where the same limiter answers 429 in the usual format
      deps.limit({ ip: clientAddress(req, deps.trustProxy) } as Request, res as Response, () => {
        allowed = true;
      });
    } catch {
      return false;
    }
    if (!allowed) return false;
    const answer = deps.answers.forView(view, parsed.token);
    sendHtml(res, answer.status, answer.body);
    return true;
  };
}
