/**
 * Stage one of signing (prepare -> digest -> sign -> embed, as DSS getDataToSign and pyHanko
 * PdfTBSDocument): one incremental update that adds the signature dictionary with a zero-filled
 * /Contents and a fixed-width /ByteRange, the field and widget, and for certification the DocMDP
 * reference (ISO 32000-1 12.8.1, 12.8.2.2). The returned bytes begin with the exact input bytes.
 */
import { AppError } from '../errors';
import {
  IncrementalWriter,
  listFields,
  name,
  PageInfo,
  PdfDict,
  PdfDocument,
  PdfObject,
  PdfReal,
  PdfRef,
  PdfStream,
  PdfString,
  toPdfError,
  WrittenUpdate,
} from '../pdf';
import { BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER_TEXT, ByteRange, computeByteRange, writeByteRange } from './byte-range';
import { checkDocMdp } from './prepare-docmdp';
import { addToAcroForm, addToPage, CatalogEdit, chooseField } from './prepare-field';

export { digestByteRange, computeByteRange, type ByteRange } from './byte-range';
export { embedSignature, fillSignature } from './embed-signature';

const BYTE_RANGE_KEY = `/ByteRange ${BYTE_RANGE_PLACEHOLDER_TEXT}`;
const CONTENTS_KEY = '/Contents <';

/** What an appearance builder gets: the update to add objects to, and where the widget sits. */
export interface AppearanceContext {
  doc: PdfDocument;
  page: PageInfo;
  rect: [number, number, number, number];
  fieldName: string;
  signingTime: Date;
}

/** Draws a visible signature: adds its objects to `writer` and returns the /AP /N form XObject. */
export interface SignatureAppearance {
  build(writer: IncrementalWriter, ctx: AppearanceContext): PdfRef;
}

/** Options of {@link prepareSignature}. */
export interface PrepareSignatureOptions {
  /** Existing empty signature field to fill, or the name of the new one. @defaultValue "SignatureN" */
  fieldName?: string;
  subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  /** Bytes reserved for the CMS (the hex string is twice as long). */
  contentsSize: number;
  /** The claimed signing time, written as /M. */
  signingTime: Date;
  /** Offset from UTC for /M, in minutes. @defaultValue 420 (+07:00, Vietnam) */
  utcOffsetMinutes?: number;
  reason?: string;
  location?: string;
  contactInfo?: string;
  name?: string;
  /** Certification signature with this DocMDP permission (12.8.2.2). */
  certify?: 1 | 2 | 3;
  /** 0-based page index of the widget. @defaultValue 0 */
  page?: number;
  /** Widget rectangle in page space. @defaultValue [0, 0, 0, 0] (invisible) */
  rect?: [number, number, number, number];
  appearance?: SignatureAppearance;
}

/**
 * The prepared file: ready to be hashed over `byteRange`, then to receive the CMS. The output is
 * `parts` (the untouched input, then the appended update holding both placeholders): it is never
 * joined unless someone reads `bytes`, so signing a large file holds one copy of it, not two.
 */
export interface PreparedSignature {
  /** The input, untouched: the first part of the output. */
  readonly base: Buffer;
  /** The appended update; the ByteRange is already written into it, the CMS goes into it. */
  readonly tail: Buffer;
  /** `[base, tail]`: write them in order (one writev). */
  readonly parts: [Buffer, Buffer];
  /** Length of the whole output. */
  readonly totalLength: number;
  /** The whole output joined: a fresh copy on every access (for callers that need one Buffer). */
  readonly bytes: Buffer;
  byteRange: ByteRange;
  /** Offset (in the whole output) of the `<` that opens the /Contents string. */
  contentsOffset: number;
  /** Number of hex digits between `<` and `>` (twice the reserved bytes). */
  contentsHexLength: number;
  fieldName: string;
  signatureRef: PdfRef;
}

/** `D:YYYYMMDDHHmmss+HH'mm'` in the given offset (7.9.4). */
export function formatPdfDate(date: Date, utcOffsetMinutes = 420): string {
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const ymd = `${p(local.getUTCFullYear(), 4)}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}`;
  const hms = `${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}`;
  return `D:${ymd}${hms}${sign}${p(Math.floor(abs / 60))}'${p(abs % 60)}'`;
}

function signatureDictionary(opts: PrepareSignatureOptions): PdfDict {
  const text = (s: string | undefined): PdfString | undefined => (s === undefined ? undefined : PdfString.fromText(s));
  const d = PdfDict.from({
    Type: name('Sig'),
    Filter: name('Adobe.PPKLite'),
    SubFilter: name(opts.subFilter),
    ByteRange: [...BYTE_RANGE_PLACEHOLDER],
    Contents: new PdfString(Buffer.alloc(opts.contentsSize), true, true),
    M: PdfString.fromText(formatPdfDate(opts.signingTime, opts.utcOffsetMinutes)),
    Name: text(opts.name),
    Reason: text(opts.reason),
    Location: text(opts.location),
    ContactInfo: text(opts.contactInfo),
  });
  if (opts.certify !== undefined) {
    const params = PdfDict.from({ Type: name('TransformParams'), P: opts.certify, V: name('1.2') });
    d.set('Reference', [PdfDict.from({ Type: name('SigRef'), TransformMethod: name('DocMDP'), TransformParams: params })]);
  }
  return d;
}

function validate(opts: PrepareSignatureOptions): void {
  if (!Number.isInteger(opts.contentsSize) || opts.contentsSize < 64 || opts.contentsSize > 4 * 1024 * 1024) {
    throw new AppError('VALIDATION_FAILED', 'The room reserved for the signature must be between 64 bytes and 4 MiB');
  }
  if (Number.isNaN(opts.signingTime.getTime())) throw new AppError('VALIDATION_FAILED', 'The signing time is not a valid date');
  if (opts.certify !== undefined && ![1, 2, 3].includes(opts.certify)) {
    throw new AppError('VALIDATION_FAILED', 'A certification permission must be 1, 2 or 3');
  }
  if (opts.rect && (opts.rect.length !== 4 || opts.rect.some((v) => !Number.isFinite(v)))) {
    throw new AppError('VALIDATION_FAILED', 'The signature rectangle must be four finite numbers');
  }
}

function num(v: number): PdfObject {
  return Number.isInteger(v) ? v : new PdfReal(v);
}

/** Builds the incremental update holding the signature placeholder. */
export function prepareSignature(doc: PdfDocument, opts: PrepareSignatureOptions): PreparedSignature {
  try {
    validate(opts);
    checkDocMdp(doc, opts.certify);
    const w = new IncrementalWriter(doc);
    const catalog = new CatalogEdit(w);
    const target = chooseField(listFields(doc), opts.fieldName, !opts.appearance && !opts.rect);
    const sigRef = w.add(signatureDictionary(opts));
    if (target.kind === 'existing') {
      const field = new PdfDict(target.field.dict);
      field.set('V', sigRef);
      w.set(target.field.ref, field);
      addToAcroForm(w, catalog, undefined);
    } else {
      const page = doc.pages.page(opts.page ?? 0);
      const rect = opts.rect ?? [0, 0, 0, 0];
      const widgetRef = w.allocate();
      const ap = opts.appearance
        ? opts.appearance.build(w, { doc, page, rect, fieldName: target.fullName, signingTime: opts.signingTime })
        : w.add(blankAppearance(rect));
      w.set(
        widgetRef,
        PdfDict.from({
          Type: name('Annot'),
          Subtype: name('Widget'),
          FT: name('Sig'),
          T: PdfString.fromText(target.fullName),
          V: sigRef,
          F: 132,
          P: page.ref,
          Rect: rect.map(num),
          AP: PdfDict.from({ N: ap }),
        }),
      );
      addToPage(w, page, widgetRef);
      addToAcroForm(w, catalog, widgetRef);
    }
    if (opts.certify !== undefined) {
      const existing = doc.get(doc.catalog, 'Perms');
      const perms = existing instanceof PdfDict ? new PdfDict(existing) : new PdfDict();
      perms.set('DocMDP', sigRef);
      catalog.dict.set('Perms', perms);
    }
    const out = w.write();
    const fieldName = target.kind === 'existing' ? target.field.fullName : target.fullName;
    return locatePlaceholders(out, out.positions.get(sigRef.num) as number, opts.contentsSize, fieldName, sigRef);
  } catch (e) {
    throw toPdfError(e);
  }
}

function blankAppearance(rect: number[]): PdfStream {
  const width = Math.abs(rect[2] - rect[0]);
  const height = Math.abs(rect[3] - rect[1]);
  const dict = PdfDict.from({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, num(width), num(height)] });
  return new PdfStream(dict, Buffer.alloc(0));
}

function locatePlaceholders(
  out: WrittenUpdate,
  objectStart: number,
  contentsSize: number,
  fieldName: string,
  sigRef: PdfRef,
): PreparedSignature {
  const { base, tail } = out;
  const from = objectStart - base.length;
  const br = tail.indexOf(BYTE_RANGE_KEY, from, 'latin1');
  const contents = tail.indexOf(CONTENTS_KEY, from, 'latin1');
  if (from < 0 || br < 0 || contents < 0) throw new AppError('SIGN_FAILED', 'The signature placeholders were not written');
  const totalLength = base.length + tail.length;
  const contentsOffset = base.length + contents + CONTENTS_KEY.length - 1;
  const contentsHexLength = contentsSize * 2;
  const byteRange = computeByteRange(totalLength, contentsOffset, contentsOffset + contentsHexLength + 2);
  writeByteRange(tail, br + BYTE_RANGE_KEY.length - BYTE_RANGE_PLACEHOLDER_TEXT.length, byteRange);
  const parts: [Buffer, Buffer] = [base, tail];
  return {
    base,
    tail,
    parts,
    totalLength,
    get bytes(): Buffer {
      return Buffer.concat(parts, totalLength);
    },
    byteRange,
    contentsOffset,
    contentsHexLength,
    fieldName,
    signatureRef: sigRef,
  };
}
