/**
 * POST /api/v1/sign: multipart with the PDF (`file`) and JSON `options` naming the alias of a key
 * configured on the server (callers never upload keys). Answers the signed PDF. The administrator
 * may use any key; an agency only the keys issued to its own agency code. With the `signRequest`
 * hook (src/documents/sign-request.ts) the options also choose a Decree 30 appearance, its place
 * (anchor or 1-based page + rect), the QR code and the registration; a registered document is
 * announced in X-Kyso-Document-Id and X-Kyso-Verification-Url.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { KeyStore } from '../../keys/load-key-store';
import { signPdf } from '../../signing/sign-pdf';
import { principalOf, requireAuth, type Authenticator, type Principal } from '../auth';
import { readMultipart } from '../multipart';
import { ZSignRequestOptions } from '../../documents/sign-request';

/** JSON options of a sign request (the signing use case's schema: appearances, QR, registry). */
export const signOptionsSchema = ZSignRequestOptions;
export type SignOptions = z.infer<typeof signOptionsSchema>;

/** What the sign route needs. */
export interface SignRouterDeps {
  auth: Authenticator;
  keys: KeyStore;
  maxPdfBytes: number;
  /** Optional hook: a full signing use case (appearances, registry) replacing plain signing. */
  signRequest?: (pdf: Buffer, options: Record<string, unknown>, principal: Principal) => Promise<{ bytes: Buffer; headers?: Record<string, string> }>;
}

/** Checks that `principal` may use the key `alias`. */
export function assertMayUseKey(keys: KeyStore, alias: string, principal: Principal): void {
  const entry = keys.list().find((e) => e.alias === alias);
  if (!entry) throw new AppError('KEY_NOT_FOUND', `No signing key is configured under the alias "${alias}".`);
  if (principal.kind === 'admin') return;
  if (!entry.agencyCode || entry.agencyCode !== principal.agencyCode) {
    throw new AppError('FORBIDDEN', `The key "${alias}" does not belong to agency ${principal.agencyCode}.`);
  }
}

function parseOptions(text: string | undefined): Record<string, unknown> {
  if (!text) throw new AppError('VALIDATION_FAILED', 'The "options" part (JSON) is required and must name a keyAlias.');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The "options" part is not valid JSON.');
  }
}

/** Builds the router (mounted at /api/v1). */
export function createSignRouter(deps: SignRouterDeps): Router {
  const router = Router();
  router.post('/sign', requireAuth(deps.auth), async (req, res) => {
    const principal = principalOf(res);
    const body = await readMultipart(req, { maxBytes: deps.maxPdfBytes, maxFiles: 1 });
    const file = body.files.find((f) => f.field === 'file') ?? body.files[0];
    if (!file || file.data.length === 0) throw new AppError('VALIDATION_FAILED', 'The PDF to sign is missing (multipart part "file").');
    const raw = parseOptions(body.fields.options);
    const parsed = signOptionsSchema.passthrough().safeParse(raw);
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', 'The signing options are invalid.', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    }
    const options = parsed.data;
    assertMayUseKey(deps.keys, options.keyAlias, principal);
    let bytes: Buffer;
    let headers: Record<string, string> = {};
    if (deps.signRequest) {
      ({ bytes, headers = {} } = await deps.signRequest(file.data, options, principal));
    } else {
      if (options.appearance || options.qr || options.register || options.anchor || options.rect) {
        throw new AppError('VALIDATION_FAILED', 'Visible signatures and registration are not configured on this server.');
      }
      const key = await deps.keys.get(options.keyAlias);
      const { reason, location, contactInfo, fieldName, subFilter, certify, hash } = options;
      ({ bytes } = await signPdf(file.data, key, { reason, location, contactInfo, fieldName, subFilter, certify, hash }));
    }
    const name = (file.filename || 'document.pdf').replace(/\.pdf$/i, '').replace(/[^\w.-]+/g, '_');
    res.set(headers);
    if (Object.keys(headers).length) res.set('Access-Control-Expose-Headers', Object.keys(headers).join(', '));
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="${name}-signed.pdf"`);
    res.send(bytes);
  });
  return router;
}
