/**
 * Bearer-key authentication. Callers never upload keys; they present an API key that names them:
 * the administrator (ADMIN_API_KEY) or an agency (keys stored hashed in the registry).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';

/** Who is calling. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'agency'; agencyCode: string; keyId: string };

/** Resolves a presented bearer key to a principal, or null when unknown. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | null>;
}

/** Compares two secrets in constant time (by their SHA-256, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Authenticator for the admin key alone, chained before any registry-backed one. */
export function adminAuthenticator(adminKey: string | undefined, next?: Authenticator): Authenticator {
  return {
    async authenticate(token) {
      if (adminKey && secretsEqual(token, adminKey)) return { kind: 'admin' };
      return next ? next.authenticate(token) : null;
    },
  };
}

/** Express middleware: requires `Authorization: Bearer <key>`; stores the principal in res.locals. */
export function requireAuth(auth: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('UNAUTHORIZED', 'An API key is required: send Authorization: Bearer <key>.');
    const principal = await auth.authenticate(match[1]);
    if (!principal) throw new AppError('UNAUTHORIZED', 'The API key is not recognised.');
    res.locals.principal = principal;
    next();
  };
}

/** The authenticated principal of a request (after requireAuth). */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new AppError('UNAUTHORIZED', 'An API key is required.');
  return p;
}

/** Throws FORBIDDEN unless the caller is the administrator. */
export function assertAdmin(p: Principal): void {
  if (p.kind !== 'admin') throw new AppError('FORBIDDEN', 'Only the administrator may do this.');
}
