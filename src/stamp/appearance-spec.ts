/**
 * What a visible signature should look like, per Decree 30/2020/NĐ-CP Appendix I
 * (shared/domain/documents-receipts-qr.md §1.3-1.6), and what {@link renderAppearance} returns.
 * All lengths are PDF points (1/72 inch); rectangles have their origin at the bottom left.
 */

/** An axis-aligned rectangle in PDF user space. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Personal signature of the competent person (App. I, I.II.7.d): the handwritten signature image,
 * blue, transparent PNG, centred between the signer's title and name. Title and name are drawn
 * only when given (documents usually print them already).
 */
export interface PersonalSpec {
  kind: 'personal';
  signatureImage: Uint8Array;
  title?: string;
  name?: string;
  /** Widget size. @defaultValue 160 × 64 pt without title/name, 160 × 110 pt with them */
  width?: number;
  height?: number;
}

/** The QR code printed in the organisation signature (Decree 45/2020 art. 18.2 look-up id). */
export interface QrSpec {
  /** `{PUBLIC_BASE_URL}/v/{documentId}?t={token}` */
  url: string;
  /** Printed in clear next to the QR code. */
  documentId: string;
  /** Side of the QR symbol including its quiet zone. @defaultValue 62 pt (about 22 mm) */
  size?: number;
}

/**
 * Organisation signature on the main document (App. I, I.II.8.a): the seal, red, at its real
 * size, transparent PNG, overlapping about 1/3 of the personal signature image on its left; the
 * text block "organisation name + signing time (ISO 8601, +07:00)" (Circular 01/2019/TT-BNV).
 */
export interface OrganisationSpec {
  kind: 'organisation';
  sealImage: Uint8Array;
  /** When given, drawn to the right of the seal with the seal over its left third. */
  signatureImage?: Uint8Array;
  /** Real diameter of the seal. @defaultValue the PNG's pHYs resolution, else 300 dpi */
  sealDiameterMm?: number;
  /** Height the signature image is drawn at. @defaultValue 64 pt */
  signatureHeight?: number;
  organisationName: string;
  /** ISO 8601 with the Vietnamese offset, e.g. `2026-11-20T09:30:15+07:00`. */
  signingTime: string;
  qr?: QrSpec;
}

/**
 * Organisation signature on an attachment in a separate file (App. I, I.II.8.b, I.III.1.d): no
 * image, top right of the first page, "number and notation; signing time", Times New Roman
 * (Tinos) regular size 10 black.
 */
export interface AttachmentSpec {
  kind: 'attachment';
  numberAndNotation: string;
  signingTime: string;
}

/** Electronic copy (App. I, II.I.3.c): copy type, copying organisation, signing time; size 10 black. */
export interface CopySpec {
  kind: 'copy';
  copyKind: 'SAO Y' | 'SAO LỤC' | 'TRÍCH SAO';
  organisationName: string;
  signingTime: string;
}

/** Any appearance kind. */
export type AppearanceSpec = PersonalSpec | OrganisationSpec | AttachmentSpec | CopySpec;

/** Where the parts were drawn, in the appearance's own coordinates (origin bottom left). */
export interface AppearanceLayout {
  signature?: Rect;
  seal?: Rect;
  text?: Rect;
  qr?: Rect;
}

/**
 * A rendered appearance: a single-page PDF whose page (MediaBox 0 0 width height) is the widget
 * rectangle. Its page content and resources become the widget's /AP /N form XObject.
 */
export interface AppearancePdf {
  pdf: Uint8Array;
  width: number;
  height: number;
  layout: AppearanceLayout;
}

/** The Tinos faces (Times New Roman metrics, Vietnamese glyphs) as TrueType bytes. */
export interface StampFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}
