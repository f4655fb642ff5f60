/**
 * Fast Decree 30/2020 Appendix I appearances (shared/domain/documents-receipts-qr.md §1.3-1.6)
 * for signing at volume: everything that does not change between documents is prepared once per
 * process (the Tinos subsets with their ToUnicode maps, the PNG images split into RGB + /SMask and
 * compressed), and each appearance's content stream is written directly as text operators with
 * the subset's glyph ids, images as `Do` and the QR code as rectangles. The form XObject and its
 * resources go straight into the signature's incremental update: no pdf-lib document, no save, no
 * graft. The layout is the one of {@link renderAppearance} (same sizes and positions).
 */
import { deflateSync } from 'node:zlib';
import { AppError } from '../errors';
import { IncrementalWriter, name, PdfDict, PdfObject, PdfReal, PdfRef, PdfStream } from '../pdf';
import {
  AppearanceLayout, AppearanceSpec, AttachmentSpec, CopySpec, OrganisationSpec, PersonalSpec, Rect, StampFonts,
} from './appearance-spec';
import { preparePng, PreparedImage } from './png-image';
import { sealOverSignature } from './seal-over-signature';
import { qrContent } from './qr-vector';
import { assertVietnamTime } from './signing-time';
import { buildSubsetFont, SubsetFont } from './subset-font';

const SIGNER_SIZE = 13;
const BLOCK_SIZE = 10;
const BLOCK_LEADING = 12;
const MAX_BLOCK_WIDTH = 220;

/** Size and parts of an appearance (what placement needs). */
export interface AppearanceBox {
  width: number;
  height: number;
  layout: AppearanceLayout;
}

/** An appearance ready to be written as a widget's /AP /N (signing's SignatureAppearance). */
export interface BuiltAppearance extends AppearanceBox {
  build(writer: IncrementalWriter, ctx?: unknown): PdfRef;
}

/** The per-process cache of fonts; images are cached by {@link preparePng}. */
export interface StampKit {
  /** Lays out `spec` and returns its builder. Throws STAMP_SPEC_INVALID / STAMP_IMAGE_INVALID. */
  appearance(spec: AppearanceSpec): BuiltAppearance;
}

const f = (v: number) => (Math.round(v * 1000) / 1000).toString();

/** Drawing operations collected for one form XObject. */
class Sketch {
  readonly ops: string[] = [];
  readonly images: PreparedImage[] = [];
  readonly faces = new Set<'regular' | 'bold'>();

  image(img: PreparedImage, r: Rect): void {
    this.images.push(img);
    this.ops.push(`q ${f(r.width)} 0 0 ${f(r.height)} ${f(r.x)} ${f(r.y)} cm /Im${this.images.length} Do Q`);
  }

  text(font: SubsetFont, face: 'regular' | 'bold', line: string, x: number, y: number, size: number, align: 'left' | 'centre' | 'right'): void {
    this.faces.add(face);
    const w = font.widthOf(line, size);
    const left = align === 'left' ? x : align === 'centre' ? x - w / 2 : x - w;
    this.ops.push(`BT /F${face === 'bold' ? 2 : 1} ${size} Tf 0 g 1 0 0 1 ${f(left)} ${f(y)} Tm <${font.encode(line)}> Tj ET`);
  }
}

function requireText(value: string | undefined, field: string): string {
  const v = value?.trim();
  if (!v) throw new AppError('STAMP_SPEC_INVALID', `The appearance needs a non-empty ${field}`, { field });
  return v;
}

function fit(image: PreparedImage, box: Rect): Rect {
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = image.width * scale, height = image.height * scale;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}

function wrap(text: string, font: SubsetFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOf(next, size) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Checks every text of the spec against the subset before any layout. */
function assertCovered(font: SubsetFont, texts: (string | undefined)[]): void {
  const missing = [...new Set(texts.flatMap((t) => (t ? font.missing(t) : [])))];
  if (missing.length) {
    throw new AppError('STAMP_SPEC_INVALID', `The appearance font cannot draw: ${missing.join(' ')}`, { character: missing.join('') });
  }
}

/** Builds the stamp kit from the Tinos faces: subsets both faces once (tens of milliseconds). */
export async function createStampKit(fonts: StampFonts): Promise<StampKit> {
  const regular = await buildSubsetFont(fonts.regular, 'KYSOTR');
  const bold = await buildSubsetFont(fonts.bold, 'KYSOTB');

  const finish = (sketch: Sketch, width: number, height: number, layout: AppearanceLayout): BuiltAppearance => {
    const content = deflateSync(Buffer.from(sketch.ops.join('\n'), 'latin1'));
    return {
      width, height, layout,
      build(w: IncrementalWriter): PdfRef {
        const resources = new PdfDict();
        if (sketch.faces.size) {
          const fontDict = new PdfDict();
          if (sketch.faces.has('regular')) fontDict.set('F1', regular.write(w));
          if (sketch.faces.has('bold')) fontDict.set('F2', bold.write(w));
          resources.set('Font', fontDict);
        }
        if (sketch.images.length) {
          const xo = new PdfDict();
          sketch.images.forEach((img, i) => xo.set(`Im${i + 1}`, writeImage(w, img)));
          resources.set('XObject', xo);
        }
        resources.set('ProcSet', [name('PDF'), name('Text'), name('ImageC')]);
        const dict = PdfDict.from({
          Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, width, height].map(num),
          Resources: resources, Filter: name('FlateDecode'),
        });
        return w.add(new PdfStream(dict, content));
      },
    };
  };

  const personal = (spec: PersonalSpec): BuiltAppearance => {
    assertCovered(bold, [spec.title?.toUpperCase(), spec.name]);
    const image = preparePng(spec.signatureImage, 'signature image');
    const hasText = Boolean(spec.title || spec.name);
    const width = spec.width ?? 160;
    const height = spec.height ?? (hasText ? 110 : 64);
    const s = new Sketch();
    const band = SIGNER_SIZE * 1.35;
    const titleLines = spec.title ? wrap(spec.title.toUpperCase(), bold, SIGNER_SIZE, width) : [];
    titleLines.forEach((l, i) => s.text(bold, 'bold', l, width / 2, height - SIGNER_SIZE - i * band, SIGNER_SIZE, 'centre'));
    if (spec.name) s.text(bold, 'bold', spec.name, width / 2, SIGNER_SIZE * 0.3, SIGNER_SIZE, 'centre');
    const bottom = spec.name ? band + 2 : 0;
    const top = height - titleLines.length * band - (titleLines.length ? 2 : 0);
    const box = fit(image, { x: 0, y: bottom, width, height: Math.max(1, top - bottom) });
    s.image(image, box);
    return finish(s, width, height, { signature: box });
  };

  const organisation = (spec: OrganisationSpec): BuiltAppearance => {
    assertVietnamTime(spec.signingTime);
    const orgName = requireText(spec.organisationName, 'organisation name');
    const idLine = spec.qr ? `Mã tra cứu: ${requireText(spec.qr.documentId, 'document id')}` : undefined;
    assertCovered(regular, [orgName, idLine]);
    const seal = preparePng(spec.sealImage, 'seal image');
    const sig = spec.signatureImage ? preparePng(spec.signatureImage, 'signature image') : undefined;
    const { sealW, sealH, sigW, sigH, sigX, topW, topH } = sealOverSignature(spec, seal, sig);
    const qrSize = spec.qr ? spec.qr.size ?? 62 : 0;
    const textW = Math.max(MAX_BLOCK_WIDTH, topW - qrSize - 4);
    const lines = [...wrap(orgName, regular, BLOCK_SIZE, textW), spec.signingTime, ...(idLine ? [idLine] : [])];
    const linesW = Math.max(...lines.map((l) => regular.widthOf(l, BLOCK_SIZE)));
    const bottomH = Math.max(qrSize, lines.length * BLOCK_LEADING + 3);
    const width = Math.ceil(Math.max(topW, (qrSize ? qrSize + 4 : 0) + linesW + 1));
    const height = Math.ceil(topH + 4 + bottomH);
    const s = new Sketch();
    const layout: AppearanceLayout = {};
    if (sig) {
      layout.signature = { x: sigX, y: bottomH + 4 + (topH - sigH) / 2, width: sigW, height: sigH };
      s.image(sig, layout.signature);
    }
    layout.seal = { x: 0, y: bottomH + 4 + (topH - sealH) / 2, width: sealW, height: sealH };
    s.image(seal, layout.seal);
    if (spec.qr) {
      layout.qr = { x: 0, y: bottomH - qrSize, width: qrSize, height: qrSize };
      s.ops.push(qrContent(requireText(spec.qr.url, 'QR url'), 0, layout.qr.y, qrSize));
    }
    const tx = qrSize ? qrSize + 4 : 0;
    const ty = bottomH - (bottomH - lines.length * BLOCK_LEADING) / 2 + 1;
    lines.forEach((l, i) => s.text(regular, 'regular', l, tx, ty - BLOCK_SIZE - i * BLOCK_LEADING, BLOCK_SIZE, 'left'));
    layout.text = { x: tx, y: ty - lines.length * BLOCK_LEADING, width: linesW, height: lines.length * BLOCK_LEADING };
    return finish(s, width, height, layout);
  };

  const block = (lines: string[]): BuiltAppearance => {
    assertCovered(regular, lines);
    const wrapped = lines.flatMap((l) => wrap(l, regular, BLOCK_SIZE, MAX_BLOCK_WIDTH));
    const linesW = Math.max(...wrapped.map((l) => regular.widthOf(l, BLOCK_SIZE)));
    const width = Math.ceil(linesW + 2);
    const height = Math.ceil(wrapped.length * BLOCK_LEADING + 3);
    const s = new Sketch();
    wrapped.forEach((l, i) => s.text(regular, 'regular', l, width - 1, height - 1 - BLOCK_SIZE - i * BLOCK_LEADING, BLOCK_SIZE, 'right'));
    return finish(s, width, height, { text: { x: 0, y: 0, width, height } });
  };

  const attachment = (spec: AttachmentSpec) => {
    assertVietnamTime(spec.signingTime);
    return block([requireText(spec.numberAndNotation, 'number and notation'), spec.signingTime]);
  };
  const copy = (spec: CopySpec) => {
    assertVietnamTime(spec.signingTime);
    if (!['SAO Y', 'SAO LỤC', 'TRÍCH SAO'].includes(spec.copyKind)) {
      throw new AppError('STAMP_SPEC_INVALID', 'The copy kind must be SAO Y, SAO LỤC or TRÍCH SAO', { copyKind: spec.copyKind });
    }
    return block([spec.copyKind, requireText(spec.organisationName, 'organisation name'), spec.signingTime]);
  };

  return {
    appearance(spec) {
      switch (spec.kind) {
        case 'personal': return personal(spec);
        case 'organisation': return organisation(spec);
        case 'attachment': return attachment(spec);
        case 'copy': return copy(spec);
        default:
          throw new AppError('STAMP_SPEC_INVALID', 'Unknown appearance kind', { kind: (spec as { kind?: unknown }).kind });
      }
    },
  };
}

function num(v: number): PdfObject {
  return Number.isInteger(v) ? v : new PdfReal(Math.round(v * 1000) / 1000);
}

/** Writes a prepared image (and its soft mask) from the cached compressed samples. */
function writeImage(w: IncrementalWriter, img: PreparedImage): PdfRef {
  const base = { Type: name('XObject'), Subtype: name('Image'), Width: img.width, Height: img.height, BitsPerComponent: 8, Filter: name('FlateDecode') };
  const smask = img.alpha ? w.add(new PdfStream(PdfDict.from({ ...base, ColorSpace: name('DeviceGray') }), img.alpha)) : undefined;
  return w.add(new PdfStream(PdfDict.from({ ...base, ColorSpace: name('DeviceRGB'), SMask: smask }), img.rgb));
}
