/**
 * The appearance part of {@link signDocument}: checks a request before anything is reserved or
 * signed, then turns the appearance choice into a Decree 30/2020 Appendix I appearance and a
 * place on the page (shared/domain/documents-receipts-qr.md §1.3-1.6): personal under the anchor
 * or in the rectangle; organisation with its seal over the left third of the personal signature
 * already in the document (I.II.8.a), else under the anchor or in the rectangle; attachment and
 * copy blocks in the top-right corner of the first page (I.II.8.b, II.I.3.c).
 */
import { AppError } from '../errors';
import { parseCertificate } from '../cms/parse-certificate';
import { PageTree, type PdfDocument } from '../pdf';
import type { SignatureAppearance } from '../signing/prepare-signature';
import {
  findAnchorText, findSignatureImage, placeOverPersonal, placeTopRight, toPdfRect,
  type AppearanceSpec, type BuiltAppearance, type QrSpec, type Rect, type StampKit,
} from '../stamp';

/** The appearance kinds a caller may ask for. */
export type AppearanceChoice = 'personal' | 'organisation' | 'attachment' | 'copy' | 'none';
/** Decree 30 copy kinds. */
export type CopyKind = 'SAO Y' | 'SAO LỤC' | 'TRÍCH SAO';

/** The fields of a sign request this module reads. */
export interface AppearanceRequest {
  /** @defaultValue 'none' (invisible signature) */
  appearance?: AppearanceChoice;
  /** Personal signature image (blue, transparent PNG). */
  signatureImage?: Uint8Array;
  /** Seal image (red, transparent PNG, real size). */
  sealImage?: Uint8Array;
  /** Place under this text, e.g. "CHỦ TỊCH". */
  anchor?: string;
  /** 0-based page index of the rectangle (or the page to search the anchor on). */
  page?: number;
  /** Widget rectangle x, y, width, height in points (origin bottom left). */
  rect?: [number, number, number, number];
  /** Draw the registry's QR code (organisation appearance only); implies `register`. */
  qr?: boolean;
  numberAndNotation?: string;
  title?: string;
  /** Printed organisation name. @defaultValue the certificate's O, else its CN */
  organisationName?: string;
  /** @defaultValue 'SAO Y' */
  copyKind?: CopyKind;
}

const CHOICES: AppearanceChoice[] = ['personal', 'organisation', 'attachment', 'copy', 'none'];
const PERSONAL_SIZE = { width: 160, height: 64 };

function invalid(message: string, details?: Record<string, unknown>): never {
  throw new AppError('VALIDATION_FAILED', message, details);
}

/** Checks the request (cheap, before any reservation). Throws VALIDATION_FAILED. */
export function checkSignRequest(
  input: AppearanceRequest,
  ctx: { register: boolean; hasRegistry: boolean; agencyCode?: string },
): void {
  const kind = input.appearance ?? 'none';
  if (!CHOICES.includes(kind)) invalid(`The appearance must be one of ${CHOICES.join(', ')}.`, { appearance: kind });
  if (kind === 'personal' && !input.signatureImage) invalid('A personal appearance needs the signature image (PNG).');
  if (kind === 'organisation' && !input.sealImage) invalid('An organisation appearance needs the seal image (PNG).');
  if (kind === 'attachment' && !input.numberAndNotation?.trim()) invalid('An attachment appearance needs the number and notation.');
  if (input.qr && kind !== 'organisation') invalid('The QR code is drawn into the organisation appearance: use appearance organisation.');
  if (input.anchor !== undefined && input.rect) invalid('Give either an anchor text or a rectangle, not both.');
  if (input.anchor !== undefined && !input.anchor.trim()) invalid('The anchor text is empty.');
  if (input.page !== undefined && (!Number.isInteger(input.page) || input.page < 0)) invalid('The page must be a 0-based page index.');
  if (input.rect) {
    const r = input.rect;
    if (r.length !== 4 || r.some((v) => !Number.isFinite(v)) || r[2] <= 0 || r[3] <= 0) {
      invalid('The rectangle must be x,y,width,height with a positive width and height.', { rect: r });
    }
  }
  if (!ctx.register) return;
  if (!ctx.hasRegistry) invalid('Registration needs the document registry, which is not configured here.');
  if (!input.numberAndNotation?.trim()) invalid('Registration needs the number and notation (e.g. 125/QĐ-UBND).');
  if (!input.title?.trim()) invalid('Registration needs the title (trích yếu).');
  if (!ctx.agencyCode) invalid('Registration needs a key issued to an agency (the key has no agency code).');
}

/** Where the widget goes and what it shows. */
export interface ResolvedAppearance {
  page: number;
  rect: [number, number, number, number];
  appearance: SignatureAppearance;
}

/** The printed organisation name of each signing certificate, parsed once per key. */
const certificateOrganisations = new WeakMap<Buffer, string>();

function organisationName(input: AppearanceRequest, certificate: Buffer): string {
  if (input.organisationName?.trim()) return input.organisationName.trim();
  let name = certificateOrganisations.get(certificate);
  if (name === undefined) {
    const c = parseCertificate(certificate);
    name = c.organisation ?? /CN=([^,]+)/.exec(c.subject)?.[1] ?? c.subject;
    certificateOrganisations.set(certificate, name);
  }
  return name;
}

function explicit(input: AppearanceRequest): { page: number; rect: Rect } | undefined {
  if (!input.rect) return undefined;
  const [x, y, width, height] = input.rect;
  return { page: input.page ?? 0, rect: { x, y, width, height } };
}

function place(doc: PdfDocument, input: AppearanceRequest, app: BuiltAppearance): { page: number; rect: Rect } {
  const given = explicit(input);
  if (given) return given;
  const kind = input.appearance;
  if (kind === 'attachment' || kind === 'copy') {
    const page = input.page ?? 0;
    return { page, rect: placeTopRight(new PageTree(doc).page(page).cropBox, app) };
  }
  if (kind === 'organisation' && input.anchor === undefined) {
    const personal = findSignatureImage(doc);
    if (!personal) invalid('Place the organisation signature with an anchor or a rectangle: the document has no visible personal signature yet.');
    return { page: personal.page, rect: placeOverPersonal(personal.image, app) };
  }
  if (input.anchor === undefined) invalid('Place the signature with an anchor text or a page rectangle.');
  const found = findAnchorText(doc, input.anchor, { page: input.page, width: app.width, height: app.height });
  return { page: found.page, rect: found.signatureRect };
}

/**
 * Lays out the appearance and places it; undefined for an invisible signature. Throws
 * VALIDATION_FAILED, PDF_ANCHOR_NOT_FOUND, STAMP_SPEC_INVALID or STAMP_IMAGE_INVALID.
 */
export function resolveAppearance(
  kit: StampKit,
  doc: PdfDocument,
  input: AppearanceRequest,
  ctx: { certificate: Buffer; signingTime: string; qr?: QrSpec },
): ResolvedAppearance | undefined {
  const kind = input.appearance ?? 'none';
  if (kind === 'none') return undefined;
  let spec: AppearanceSpec;
  if (kind === 'personal') {
    const size = input.rect ? { width: input.rect[2], height: input.rect[3] } : PERSONAL_SIZE;
    spec = { kind, signatureImage: input.signatureImage as Uint8Array, ...size };
  } else if (kind === 'organisation') {
    spec = { kind, sealImage: input.sealImage as Uint8Array, organisationName: organisationName(input, ctx.certificate), signingTime: ctx.signingTime, qr: ctx.qr };
  } else if (kind === 'attachment') {
    spec = { kind, numberAndNotation: input.numberAndNotation as string, signingTime: ctx.signingTime };
  } else {
    spec = { kind, copyKind: input.copyKind ?? 'SAO Y', organisationName: organisationName(input, ctx.certificate), signingTime: ctx.signingTime };
  }
  const app = kit.appearance(spec);
  const at = place(doc, input, app);
  return { page: at.page, rect: toPdfRect(at.rect), appearance: app };
}
