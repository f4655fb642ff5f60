/**
 * A fixed-window rate limiter per client address for public endpoints (verification, citizen
 * pages, receipt lookup). In memory: each API process limits its own clients.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';

/** Options; `perMinute` requests per client IP per 60-second window. */
export interface RateLimitOptions {
  perMinute: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** Returns a middleware that answers 429 RATE_LIMITED past the limit. */
export function rateLimit(opts: RateLimitOptions) {
  const now = opts.now ?? Date.now;
  let windowStart = now();
  let counts = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const t = now();
    if (t - windowStart >= 60_000) {
      windowStart = t;
      counts = new Map();
    }
    const key = req.ip ?? 'unknown';
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    res.setHeader('RateLimit-Limit', String(opts.perMinute));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, opts.perMinute - n)));
    if (n > opts.perMinute) {
      res.setHeader('Retry-After', String(Math.ceil((windowStart + 60_000 - t) / 1000)));
      throw new AppError('RATE_LIMITED', 'Too many requests; try again in a minute.');
    }
    next();
  };
}
