/**
 * Where the personal signature image already is on the page, so that the organisation signature
 * can be placed with its seal over the image's left third (Decree 30/2020 App. I, I.II.8.a) after
 * the competent person has signed (Art. 32.2.c: personal first, organisation second). The last
 * signed signature field with a visible widget is taken; its /AP /N form is interpreted for the
 * `cm` … `Do` of an image XObject (ISO 32000-1 §8.10, §12.5.5: BBox mapped onto /Rect); when the
 * form draws no image, the whole widget is the image.
 */
import { asArray, asNumber, asName, listSignatureFields, PageTree, PdfDict, PdfDocument, PdfRef, PdfStream } from '../pdf';
import { Rect } from './appearance-spec';
import { lexContent, Operand } from './content-lexer';

type M = [number, number, number, number, number, number];
const mul = (a: M, b: M): M => [
  a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
  a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
];

/** A visible signature already in the document. */
export interface SignatureImage {
  /** 0-based page index. */
  page: number;
  /** The widget rectangle on the page. */
  widget: Rect;
  /** The drawn image on the page (the widget itself when no image was found). */
  image: Rect;
  fieldName: string;
}

function rectOf(doc: PdfDocument, o: unknown): Rect | undefined {
  const a = asArray(doc.resolve(o as never))?.map((v) => asNumber(doc.resolve(v)));
  if (!a || a.length !== 4 || a.some((v) => v === undefined)) return undefined;
  const [x1, y1, x2, y2] = a as number[];
  const r = { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
  return r.width > 0 && r.height > 0 ? r : undefined;
}

/** The bounding box, in form space, of the first image the form draws. */
function imageInForm(doc: PdfDocument, form: PdfStream): Rect | undefined {
  const resources = doc.resolve(form.dict.get('Resources'));
  const xobjects = resources instanceof PdfDict ? doc.resolve(resources.get('XObject')) : undefined;
  let ctm: M = [1, 0, 0, 1, 0, 0];
  const saved: M[] = [];
  let found: Rect | undefined;
  const num = (o: Operand | undefined) => (typeof o === 'number' ? o : 0);
  lexContent(doc.decodeStream(form), (op, a) => {
    if (found) return;
    if (op === 'q') saved.push(ctm);
    else if (op === 'Q') ctm = saved.pop() ?? ctm;
    else if (op === 'cm') ctm = mul(a.map(num) as M, ctm);
    else if (op === 'Do' && xobjects instanceof PdfDict) {
      const x = doc.resolve(xobjects.get((a[0] as { name: string })?.name ?? ''));
      if (x instanceof PdfStream && asName(x.dict.get('Subtype')) === 'Image') {
        const xs = [ctm[4], ctm[4] + ctm[0], ctm[4] + ctm[2], ctm[4] + ctm[0] + ctm[2]];
        const ys = [ctm[5], ctm[5] + ctm[1], ctm[5] + ctm[3], ctm[5] + ctm[1] + ctm[3]];
        found = { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
      }
    }
  });
  return found;
}

function pageIndexOf(doc: PdfDocument, ref: unknown): number {
  if (!(ref instanceof PdfRef)) return 0;
  const tree = new PageTree(doc);
  for (let i = 0; i < tree.count; i++) if (tree.page(i).ref.num === ref.num) return i;
  return 0;
}

/** The last signed signature field's visible image, or undefined when every signature is invisible. */
export function findSignatureImage(doc: PdfDocument): SignatureImage | undefined {
  const fields = listSignatureFields(doc).filter((f) => f.isSigned);
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i];
    for (const w of field.widgets.length ? field.widgets : [undefined]) {
      const widget = w ? doc.resolve(w) : field.dict;
      if (!(widget instanceof PdfDict)) continue;
      const rect = rectOf(doc, widget.get('Rect'));
      if (!rect) continue;
      const ap = doc.resolve(widget.get('AP'));
      const n = ap instanceof PdfDict ? doc.resolve(ap.get('N')) : undefined;
      let image = rect;
      if (n instanceof PdfStream) {
        const bbox = rectOf(doc, n.dict.get('BBox'));
        const inner = bbox && imageInForm(doc, n);
        if (bbox && inner) {
          const kx = rect.width / bbox.width, ky = rect.height / bbox.height;
          image = { x: rect.x + (inner.x - bbox.x) * kx, y: rect.y + (inner.y - bbox.y) * ky, width: inner.width * kx, height: inner.height * ky };
        }
      }
      return { page: pageIndexOf(doc, widget.get('P')), widget: rect, image, fieldName: field.fullName };
    }
  }
  return undefined;
}
