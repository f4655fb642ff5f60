/**
 * Interactive form fields (ISO 32000-1 12.7.3): the /AcroForm /Fields tree with fully qualified
 * names, inherited /FT, and for signature fields (12.7.4.5) whether they carry a value (/V).
 */
import type { PdfDocument } from './document';
import { asArray, asName, PdfDict, PdfObject, PdfRef, PdfString } from './objects';

/** A terminal field of the form. */
export interface FormField {
  ref?: PdfRef;
  dict: PdfDict;
  /** Fully qualified name: partial names joined with '.' (12.7.3.2). */
  fullName: string;
  /** /FT, inherited from ancestors (Sig, Tx, Btn, Ch) or undefined. */
  type?: string;
  /** /V resolved (for a signature field, the signature dictionary). */
  value: PdfObject;
  /** Widget annotations of the field (the field itself when merged). */
  widgets: PdfRef[];
}

/** The /AcroForm dictionary, or undefined. */
export function getAcroForm(doc: PdfDocument): PdfDict | undefined {
  const f = doc.get(doc.catalog, 'AcroForm');
  return f instanceof PdfDict ? f : undefined;
}

/** Every terminal field, depth first, loops skipped. */
export function listFields(doc: PdfDocument): FormField[] {
  const form = getAcroForm(doc);
  const out: FormField[] = [];
  const fields = asArray(doc.get(form, 'Fields')) ?? [];
  const seen = new Set<number>();
  const visit = (o: PdfObject, prefix: string, ft: string | undefined, depth: number): void => {
    doc.guard.tick();
    if (depth > 64) return;
    const ref = o instanceof PdfRef ? o : undefined;
    if (ref) {
      if (seen.has(ref.num)) return;
      seen.add(ref.num);
    }
    const d = doc.resolve(o);
    if (!(d instanceof PdfDict)) return;
    const t = d.get('T');
    const partial = t instanceof PdfString ? t.toText() : undefined;
    const fullName = partial === undefined ? prefix : prefix ? `${prefix}.${partial}` : partial;
    const type = asName(d.get('FT')) ?? ft;
    const kids = asArray(doc.get(d, 'Kids')) ?? [];
    const fieldKids = kids.filter((k) => {
      const kd = doc.resolve(k);
      return kd instanceof PdfDict && (kd.has('T') || kd.has('Kids'));
    });
    if (fieldKids.length > 0) {
      for (const k of fieldKids) visit(k, fullName, type, depth + 1);
      return;
    }
    const widgets = kids.length > 0 ? kids.filter((k): k is PdfRef => k instanceof PdfRef) : ref ? [ref] : [];
    out.push({ ref, dict: d, fullName, type, value: doc.resolve(d.get('V')), widgets });
  };
  for (const f of fields) visit(f, '', undefined, 0);
  return out;
}

/** Signature fields only (/FT /Sig); `isSigned` when /V is a dictionary. */
export function listSignatureFields(doc: PdfDocument): (FormField & { isSigned: boolean })[] {
  return listFields(doc)
    .filter((f) => f.type === 'Sig')
    .map((f) => ({ ...f, isSigned: f.value instanceof PdfDict }));
}
