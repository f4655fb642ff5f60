/**
 * Turns the single page of a rendered appearance ({@link AppearancePdf}) into a form XObject
 * (ISO 32000-1 §8.10) inside an incremental update of the document being signed: the page's
 * content becomes the form's stream, its /MediaBox the /BBox, and every object its /Resources
 * reach (fonts, font files, ToUnicode maps, images and soft masks) is copied with new object
 * numbers. The result is what the widget's /AP /N points to (§12.5.5).
 */
import { deflateSync } from 'node:zlib';
import { AppError } from '../errors';
import { IncrementalWriter, name, openPdf, PageTree, PdfDict, PdfDocument, PdfObject, PdfRef, PdfStream } from '../pdf';
import { AppearancePdf } from './appearance-spec';

/** Deep-copies `o` from `src` into `w`, giving every reached indirect object a new number. */
function copier(src: PdfDocument, w: IncrementalWriter): (o: PdfObject) => PdfObject {
  const mapped = new Map<number, PdfRef>();
  const copy = (o: PdfObject): PdfObject => {
    if (o instanceof PdfRef) {
      let ref = mapped.get(o.num);
      if (!ref) {
        ref = w.allocate();
        mapped.set(o.num, ref);
        w.set(ref, copy(src.getObject(o)));
      }
      return ref;
    }
    if (o instanceof PdfStream) {
      const dict = copy(o.dict) as PdfDict;
      dict.delete('Length');
      return new PdfStream(dict, o.raw);
    }
    if (o instanceof PdfDict) {
      const d = new PdfDict();
      for (const [k, v] of o) d.set(k, copy(v));
      return d;
    }
    if (Array.isArray(o)) return o.map(copy);
    return o;
  };
  return copy;
}

/**
 * Copies page 1 of `appearancePdf` into `w` as a form XObject and returns its reference.
 * Throws AppError (PDF_* codes from the reader) when the appearance is not a readable PDF.
 */
export function graftPageAsXObject(w: IncrementalWriter, appearancePdf: Uint8Array): PdfRef {
  const src = openPdf(appearancePdf);
  const page = new PageTree(src).page(0);
  const contents = src.resolve(page.dict.get('Contents'));
  const parts = (Array.isArray(contents) ? contents : [contents]).map((c) => src.resolve(c));
  const data = Buffer.concat(
    parts.map((p) => {
      if (!(p instanceof PdfStream)) throw new AppError('STAMP_SPEC_INVALID', 'The appearance page has no content stream');
      return Buffer.concat([src.decodeStream(p), Buffer.from('\n')]);
    }),
  );
  const copy = copier(src, w);
  const [x0, y0, x1, y1] = page.mediaBox;
  const dict = PdfDict.from({
    Type: name('XObject'),
    Subtype: name('Form'),
    BBox: [x0, y0, x1, y1],
    Resources: page.resources ? copy(page.resources) : new PdfDict(),
    Filter: name('FlateDecode'),
  });
  return w.add(new PdfStream(dict, deflateSync(data)));
}

/** The shape signing expects of a visible appearance (signing's SignatureAppearance). */
export interface GraftedAppearance {
  build(writer: IncrementalWriter, ctx?: unknown): PdfRef;
}

/** Adapts a rendered appearance to the signing pipeline's appearance hook. */
export function appearanceFrom(app: AppearancePdf): GraftedAppearance {
  return { build: (writer) => graftPageAsXObject(writer, app.pdf) };
}
