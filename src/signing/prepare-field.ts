/**
 * Where the new signature goes (ISO 32000-1 12.7.4.5, 12.5.6.19): an existing empty signature field
 * named by the caller, or a new field merged with its widget annotation, added to the page's
 * /Annots (direct, indirect or absent) and to /AcroForm /Fields (created when absent, /SigFlags 3).
 */
import { AppError } from '../errors';
import {
  asArray,
  asInt,
  FormField,
  IncrementalWriter,
  listFields,
  PageInfo,
  PdfDict,
  PdfObject,
  PdfRef,
} from '../pdf';

/** The field the signature will fill: existing (empty) or to be created with `fullName`. */
export type FieldTarget = { kind: 'existing'; field: FormField & { ref: PdfRef } } | { kind: 'new'; fullName: string };

/** Picks the field: the named one if it exists (and is an unsigned signature field), else a new one. */
export function chooseField(fields: FormField[], fieldName: string | undefined, fillEmpty = false): FieldTarget {
  if (fieldName !== undefined) {
    const found = fields.find((f) => f.fullName === fieldName);
    if (found) {
      if (found.type !== 'Sig') {
        throw new AppError('PDF_FIELD_EXISTS', `The form already has a field "${fieldName}" that is not a signature field`);
      }
      if (found.value instanceof PdfDict) {
        throw new AppError('PDF_FIELD_EXISTS', `The signature field "${fieldName}" is already signed`);
      }
      if (!found.ref) throw new AppError('PDF_MALFORMED', `The signature field "${fieldName}" is not an indirect object`);
      return { kind: 'existing', field: { ...found, ref: found.ref } };
    }
    if (fieldName === '' || fieldName.includes('.')) {
      throw new AppError('VALIDATION_FAILED', `A new signature field name must be non-empty and contain no period: "${fieldName}"`);
    }
    return { kind: 'new', fullName: fieldName };
  }
  // Like Acrobat, an unnamed invisible signature fills the document's first empty signature field.
  const empty = fillEmpty ? fields.find((f) => f.type === 'Sig' && !(f.value instanceof PdfDict) && f.ref) : undefined;
  if (empty?.ref) return { kind: 'existing', field: { ...empty, ref: empty.ref } };
  const taken = new Set(fields.map((f) => f.fullName));
  let i = 1;
  while (taken.has(`Signature${i}`)) i++;
  return { kind: 'new', fullName: `Signature${i}` };
}

/** Lazily copies the catalog into the update (it changes when /AcroForm is direct or new, or for /Perms). */
export class CatalogEdit {
  private copy?: PdfDict;
  constructor(private readonly w: IncrementalWriter) {}

  get dict(): PdfDict {
    if (!this.copy) {
      this.copy = new PdfDict(this.w.doc.catalog);
      this.w.set(this.w.doc.rootRef, this.copy);
    }
    return this.copy;
  }
}

/** Returns a writable copy of the array at `dict[key]` (rewriting an indirect array in place). */
function editArray(w: IncrementalWriter, owner: () => PdfDict, current: PdfObject | undefined, key: string): PdfObject[] {
  const doc = w.doc;
  if (current instanceof PdfRef) {
    const arr = asArray(doc.getObject(current));
    if (arr) {
      const copy = [...arr];
      w.set(current, copy);
      return copy;
    }
  }
  const copy = [...(asArray(current) ?? [])];
  owner().set(key, copy);
  return copy;
}

/** Adds `widget` to the page's /Annots. */
export function addToPage(w: IncrementalWriter, page: PageInfo, widget: PdfRef): void {
  let pageCopy: PdfDict | undefined;
  const owner = (): PdfDict => {
    if (!pageCopy) {
      pageCopy = new PdfDict(page.dict);
      w.set(page.ref, pageCopy);
    }
    return pageCopy;
  };
  editArray(w, owner, page.dict.get('Annots'), 'Annots').push(widget);
}

/** Adds `field` to /AcroForm /Fields (creating the form) and sets /SigFlags 3 (12.7.2). */
export function addToAcroForm(w: IncrementalWriter, catalog: CatalogEdit, field: PdfRef | undefined): void {
  const doc = w.doc;
  const current = doc.catalog.get('AcroForm');
  let form: PdfDict;
  const resolved = doc.resolve(current);
  if (current instanceof PdfRef && resolved instanceof PdfDict) {
    form = new PdfDict(resolved);
    w.set(current, form);
  } else if (resolved instanceof PdfDict) {
    form = new PdfDict(resolved);
    catalog.dict.set('AcroForm', form);
  } else {
    form = new PdfDict();
    catalog.dict.set('AcroForm', w.add(form));
  }
  if (field) editArray(w, () => form, form.get('Fields'), 'Fields').push(field);
  else if (!form.has('Fields')) form.set('Fields', []);
  const flags = asInt(doc.resolve(form.get('SigFlags'))) ?? 0;
  form.set('SigFlags', flags | 3);
}
