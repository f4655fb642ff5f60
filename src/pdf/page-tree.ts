/**
 * The page tree (ISO 32000-1 7.7.3): finding page i by descending with /Count (so only the path
 * to the page is parsed), falling back to a full walk when counts lie; loops are detected;
 * inheritable attributes (/Resources, /MediaBox, /CropBox, /Rotate, 7.7.3.4) come from ancestors.
 */
import { AppError } from '../errors';
import type { PdfDocument } from './document';
import { asArray, asInt, asName, asNumber, PdfDict, PdfObject, PdfRef } from './objects';

/** A page with its inherited attributes resolved. */
export interface PageInfo {
  index: number;
  ref: PdfRef;
  dict: PdfDict;
  mediaBox: number[];
  cropBox: number[];
  rotate: number;
  resources: PdfDict | undefined;
}

const INHERITABLE = ['Resources', 'MediaBox', 'CropBox', 'Rotate'];

function isPagesNode(d: PdfDict): boolean {
  const t = asName(d.get('Type'));
  return t === 'Pages' || (t !== 'Page' && Array.isArray(d.get('Kids')) && !d.has('Contents'));
}

/** Page access for one document. */
export class PageTree {
  private all?: PdfRef[];
  private readonly pages = new Map<number, PageInfo>();

  constructor(private readonly doc: PdfDocument) {}

  private root(): PdfRef | undefined {
    const r = this.doc.catalog.get('Pages');
    return r instanceof PdfRef ? r : undefined;
  }

  /** Number of pages (the root's /Count when plausible, else a walk). */
  get count(): number {
    const root = this.root();
    if (!root) return 0;
    const d = this.doc.getObject(root);
    const c = d instanceof PdfDict ? asInt(this.doc.resolve(d.get('Count'))) : undefined;
    if (c !== undefined && c >= 0 && c <= this.doc.entries.size) return c;
    return this.walk().length;
  }

  /** The reference of page `index` (0-based); PDF_PAGE_OUT_OF_RANGE when there is none. */
  pageRef(index: number): PdfRef {
    const quick = this.descend(index);
    if (quick) return quick;
    const all = this.walk();
    if (index < 0 || index >= all.length) {
      throw new AppError('PDF_PAGE_OUT_OF_RANGE', `The document has ${all.length} pages; page ${index + 1} does not exist`);
    }
    return all[index];
  }

  private descend(index: number): PdfRef | undefined {
    let node = this.root();
    const seen = new Set<number>();
    let i = index;
    if (i < 0) return undefined;
    outer: while (node) {
      if (seen.has(node.num)) return undefined;
      seen.add(node.num);
      const d = this.doc.getObject(node);
      if (!(d instanceof PdfDict)) return undefined;
      if (!isPagesNode(d)) return i === 0 ? node : undefined;
      const kids = asArray(this.doc.resolve(d.get('Kids'))) ?? [];
      for (const kid of kids) {
        this.doc.guard.tick();
        if (!(kid instanceof PdfRef)) continue;
        const k = this.doc.getObject(kid);
        if (!(k instanceof PdfDict)) continue;
        if (isPagesNode(k)) {
          const c = asInt(this.doc.resolve(k.get('Count')));
          if (c === undefined || c < 0) return undefined;
          if (i < c) {
            node = kid;
            continue outer;
          }
          i -= c;
        } else if (i === 0) {
          return seen.has(kid.num) ? undefined : kid;
        } else i--;
      }
      return undefined;
    }
    return undefined;
  }

  /** Every page reference in order, walking the whole tree once (loops and repeats skipped). */
  walk(): PdfRef[] {
    if (this.all) return this.all;
    const out: PdfRef[] = [];
    const seen = new Set<number>();
    const stack: PdfObject[] = [];
    const root = this.root();
    if (root) stack.push(root);
    while (stack.length) {
      this.doc.guard.tick();
      const ref = stack.pop();
      if (!(ref instanceof PdfRef) || seen.has(ref.num)) continue;
      seen.add(ref.num);
      const d = this.doc.getObject(ref);
      if (!(d instanceof PdfDict)) continue;
      if (isPagesNode(d)) {
        const kids = asArray(this.doc.resolve(d.get('Kids'))) ?? [];
        for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
      } else out.push(ref);
    }
    this.all = out;
    return out;
  }

  /** Page `index` with its inherited attributes (computed once per tree). */
  page(index: number): PageInfo {
    let info = this.pages.get(index);
    if (!info) {
      info = this.readPage(index);
      this.pages.set(index, info);
    }
    return info;
  }

  private readPage(index: number): PageInfo {
    const ref = this.pageRef(index);
    const dict = this.doc.getObject(ref) as PdfDict;
    const found = new Map<string, PdfObject>();
    const seen = new Set<number>();
    let node: PdfDict | undefined = dict;
    while (node) {
      for (const key of INHERITABLE) if (!found.has(key) && node.has(key)) found.set(key, this.doc.resolve(node.get(key)));
      const parent = node.get('Parent');
      if (!(parent instanceof PdfRef) || seen.has(parent.num)) break;
      seen.add(parent.num);
      const p = this.doc.getObject(parent);
      node = p instanceof PdfDict ? p : undefined;
    }
    const box = (o: PdfObject | undefined): number[] | undefined => {
      const a = asArray(o)?.map((x) => this.doc.resolve(x));
      const nums = a?.map((x) => asNumber(x) ?? Number.NaN);
      return nums && nums.length === 4 && nums.every(Number.isFinite) ? nums : undefined;
    };
    const mediaBox = box(found.get('MediaBox')) ?? [0, 0, 612, 792];
    const res = found.get('Resources');
    return {
      index,
      ref,
      dict,
      mediaBox,
      cropBox: box(found.get('CropBox')) ?? mediaBox,
      rotate: ((((asInt(found.get('Rotate')) ?? 0) % 360) + 360) % 360),
      resources: res instanceof PdfDict ? res : undefined,
    };
  }
}
