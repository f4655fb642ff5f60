/**
 * The HTTP shape of the signing use case (POST /api/v1/sign, issue 4): the JSON options, checked
 * with zod, mapped onto {@link signDocument}; the images come from the server's configuration
 * (callers never upload a seal), and a registered document is announced in the response headers
 * X-Kyso-Document-Id and X-Kyso-Verification-Url. `page` is 1-based here as for people.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import type { Actor } from './document';
import { signDocument, type SignDocumentDeps } from './sign-document';

/** JSON options of a sign request. */
export const ZSignRequestOptions = z.object({
  keyAlias: z.string().min(1),
  reason: z.string().max(500).optional(),
  location: z.string().max(200).optional(),
  contactInfo: z.string().max(200).optional(),
  fieldName: z.string().min(1).max(100).optional(),
  subFilter: z.enum(['etsi', 'adbe']).optional(),
  certify: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  hash: z.enum(['sha256', 'sha384', 'sha512']).optional(),
  appearance: z.enum(['personal', 'organisation', 'attachment', 'copy', 'none']).optional(),
  anchor: z.string().min(1).max(200).optional(),
  page: z.number().int().min(1).optional(),
  rect: z.tuple([z.number(), z.number(), z.number().positive(), z.number().positive()]).optional(),
  qr: z.boolean().optional(),
  register: z.boolean().optional(),
  numberAndNotation: z.string().trim().min(1).max(200).optional(),
  title: z.string().trim().min(1).max(2000).optional(),
  documentType: z.string().trim().min(1).max(200).optional(),
  organisationName: z.string().trim().min(1).max(300).optional(),
  copyKind: z.enum(['SAO Y', 'SAO LỤC', 'TRÍCH SAO']).optional(),
});
export type SignRequestOptions = z.infer<typeof ZSignRequestOptions>;

/** The images of a key: the signer's signature and the agency's seal (transparent PNGs). */
export interface StampImages {
  signature?: Uint8Array;
  seal?: Uint8Array;
}

/** What the HTTP hook needs: the use case's deps and where each key's images are. */
export interface SignRequestDeps extends SignDocumentDeps {
  imagesFor(keyAlias: string): Promise<StampImages>;
}

/** The router's `signRequest` hook: answer bytes and headers. */
export type SignRequestHandler = (pdf: Buffer, options: Record<string, unknown>, principal: Actor) => Promise<{ bytes: Buffer; headers?: Record<string, string> }>;

/** Builds the hook. Throws VALIDATION_FAILED on bad options, then whatever signDocument throws. */
export function createSignRequest(deps: SignRequestDeps): SignRequestHandler {
  return async (pdf, raw, principal) => {
    const parsed = ZSignRequestOptions.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new AppError('VALIDATION_FAILED', 'The signing options are invalid.', { issues: problems });
    }
    const o = parsed.data;
    const needs = o.appearance === 'personal' || o.appearance === 'organisation';
    const images = needs ? await deps.imagesFor(o.keyAlias) : {};
    const result = await signDocument(deps, {
      ...o,
      pdf,
      page: o.page === undefined ? undefined : o.page - 1,
      actor: principal,
      signatureImage: images.signature,
      sealImage: images.seal,
    });
    const headers: Record<string, string> = {};
    if (result.document) {
      headers['X-Kyso-Document-Id'] = result.document.id;
      headers['X-Kyso-Verification-Url'] = result.document.verificationUrl;
    }
    return { bytes: result.bytes, headers };
  };
}
