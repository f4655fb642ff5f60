/**
 * Renders Decree 30/2020 Appendix I signature appearances (shared/domain/documents-receipts-qr.md
 * §1.3-1.6) as single-page PDFs whose page is the widget rectangle. Pure: bytes in, bytes out.
 */
import { AppError } from '../errors';
import {
  AppearanceLayout, AppearancePdf, AppearanceSpec, AttachmentSpec, CopySpec, OrganisationSpec, PersonalSpec, Rect, StampFonts,
} from './appearance-spec';
import { Canvas, drawImage, drawLine, measuringFont, openCanvas, saveCanvas, wrap } from './appearance-canvas';
import { preparePng, PreparedImage } from './png-image';
import { sealOverSignature } from './seal-over-signature';
import { qrOperators } from './qr-vector';
import { assertVietnamTime } from './signing-time';

/** Decree 30: title and name 13-14 bold; attachment/copy text blocks size 10. */
const SIGNER_SIZE = 13;
const BLOCK_SIZE = 10;
const BLOCK_LEADING = 12;
const MAX_BLOCK_WIDTH = 220;

function requireText(value: string | undefined, field: string): string {
  const v = value?.trim();
  if (!v) throw new AppError('STAMP_SPEC_INVALID', `The appearance needs a non-empty ${field}`, { field });
  return v;
}

/** Fits an image of aspect w/h into the box, centred. */
function fit(image: PreparedImage, box: Rect): Rect {
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = image.width * scale, height = image.height * scale;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}

async function personal(spec: PersonalSpec, fonts: StampFonts): Promise<AppearancePdf> {
  const image = preparePng(spec.signatureImage, 'signature image');
  const hasText = Boolean(spec.title || spec.name);
  const width = spec.width ?? 160;
  const height = spec.height ?? (hasText ? 110 : 64);
  const c = await openCanvas(width, height, fonts);
  const band = SIGNER_SIZE * 1.35;
  const bold = hasText ? await c.font('bold') : undefined;
  const titleLines = spec.title && bold ? wrap(spec.title.toUpperCase(), bold, SIGNER_SIZE, width) : [];
  titleLines.forEach((l, i) => drawLine(c, l, width / 2, height - SIGNER_SIZE - i * band, bold!, SIGNER_SIZE, 'centre'));
  if (spec.name && bold) drawLine(c, spec.name, width / 2, SIGNER_SIZE * 0.3, bold, SIGNER_SIZE, 'centre');
  const bottom = spec.name ? band + 2 : 0;
  const top = height - titleLines.length * band - (titleLines.length ? 2 : 0);
  const box = fit(image, { x: 0, y: bottom, width, height: Math.max(1, top - bottom) });
  drawImage(c, image, box.x, box.y, box.width, box.height);
  return { pdf: await saveCanvas(c), width, height, layout: { signature: box } };
}

async function textBlock(c: Canvas, lines: string[], x: number, y: number, align: 'left' | 'right'): Promise<void> {
  const regular = await c.font('regular');
  lines.forEach((l, i) => drawLine(c, l, x, y - BLOCK_SIZE - i * BLOCK_LEADING, regular, BLOCK_SIZE, align));
}

async function organisation(spec: OrganisationSpec, fonts: StampFonts): Promise<AppearancePdf> {
  assertVietnamTime(spec.signingTime);
  const name = requireText(spec.organisationName, 'organisation name');
  const seal = preparePng(spec.sealImage, 'seal image');
  const sig = spec.signatureImage ? preparePng(spec.signatureImage, 'signature image') : undefined;
  const { sealW, sealH, sigW, sigH, sigX, topW, topH } = sealOverSignature(spec, seal, sig);

  const qrSize = spec.qr ? spec.qr.size ?? 62 : 0;
  const probe = await measuringFont(fonts, 'regular');
  const textW = Math.max(MAX_BLOCK_WIDTH, topW - qrSize - 4);
  const lines = [...wrap(name, probe, BLOCK_SIZE, textW), spec.signingTime];
  if (spec.qr) lines.push(`Mã tra cứu: ${requireText(spec.qr.documentId, 'document id')}`);
  const linesW = Math.max(...lines.map((l) => probe.widthOfTextAtSize(l, BLOCK_SIZE)));
  const bottomH = Math.max(qrSize, lines.length * BLOCK_LEADING + 3);
  const width = Math.ceil(Math.max(topW, (qrSize ? qrSize + 4 : 0) + linesW + 1));
  const height = Math.ceil(topH + 4 + bottomH);

  const c = await openCanvas(width, height, fonts);
  const layout: AppearanceLayout = {};
  if (sig) {
    layout.signature = { x: sigX, y: bottomH + 4 + (topH - sigH) / 2, width: sigW, height: sigH };
    drawImage(c, sig, layout.signature.x, layout.signature.y, sigW, sigH);
  }
  layout.seal = { x: 0, y: bottomH + 4 + (topH - sealH) / 2, width: sealW, height: sealH };
  drawImage(c, seal, 0, layout.seal.y, sealW, sealH);
  if (spec.qr) {
    layout.qr = { x: 0, y: bottomH - qrSize, width: qrSize, height: qrSize };
    c.page.pushOperators(...qrOperators(requireText(spec.qr.url, 'QR url'), 0, layout.qr.y, qrSize));
  }
  const tx = qrSize ? qrSize + 4 : 0;
  const ty = bottomH - (bottomH - lines.length * BLOCK_LEADING) / 2 + 1;
  await textBlock(c, lines, tx, ty, 'left');
  layout.text = { x: tx, y: ty - lines.length * BLOCK_LEADING, width: linesW, height: lines.length * BLOCK_LEADING };
  return { pdf: await saveCanvas(c), width, height, layout };
}

async function block(lines: string[], fonts: StampFonts): Promise<AppearancePdf> {
  const probe = await measuringFont(fonts, 'regular');
  const wrapped = lines.flatMap((l) => wrap(l, probe, BLOCK_SIZE, MAX_BLOCK_WIDTH));
  const linesW = Math.max(...wrapped.map((l) => probe.widthOfTextAtSize(l, BLOCK_SIZE)));
  const width = Math.ceil(linesW + 2);
  const height = Math.ceil(wrapped.length * BLOCK_LEADING + 3);
  const c = await openCanvas(width, height, fonts);
  // right-aligned: the block sits in the top-right corner of the first page
  await textBlock(c, wrapped, width - 1, height - 1, 'right');
  return { pdf: await saveCanvas(c), width, height, layout: { text: { x: 0, y: 0, width, height } } };
}

function attachment(spec: AttachmentSpec, fonts: StampFonts): Promise<AppearancePdf> {
  assertVietnamTime(spec.signingTime);
  return block([requireText(spec.numberAndNotation, 'number and notation'), spec.signingTime], fonts);
}

function copy(spec: CopySpec, fonts: StampFonts): Promise<AppearancePdf> {
  assertVietnamTime(spec.signingTime);
  if (!['SAO Y', 'SAO LỤC', 'TRÍCH SAO'].includes(spec.copyKind)) {
    throw new AppError('STAMP_SPEC_INVALID', 'The copy kind must be SAO Y, SAO LỤC or TRÍCH SAO', { copyKind: spec.copyKind });
  }
  return block([spec.copyKind, requireText(spec.organisationName, 'organisation name'), spec.signingTime], fonts);
}

/**
 * Renders the appearance described by `spec` with the given Tinos faces. Throws AppError
 * STAMP_SPEC_INVALID (bad time, empty names, unknown copy kind) or STAMP_IMAGE_INVALID (bad PNG).
 */
export async function renderAppearance(spec: AppearanceSpec, fonts: StampFonts): Promise<AppearancePdf> {
  switch (spec.kind) {
    case 'personal':
      return personal(spec, fonts);
    case 'organisation':
      return organisation(spec, fonts);
    case 'attachment':
      return attachment(spec, fonts);
    case 'copy':
      return copy(spec, fonts);
    default:
      throw new AppError('STAMP_SPEC_INVALID', 'Unknown appearance kind', { kind: (spec as { kind?: unknown }).kind });
  }
}
