/**
 * DocMDP rules for a new signature (ISO 32000-1 12.8.2.2): a certified document with P=1 allows no
 * change at all; a certification signature must be the document's first signature.
 */
import { AppError } from '../errors';
import { asArray, asDict, asInt, asName, listSignatureFields, PdfDocument } from '../pdf';

/** The DocMDP permission (1, 2 or 3) of a certified document, else undefined. */
export function docMdpPermission(doc: PdfDocument): 1 | 2 | 3 | undefined {
  const perms = asDict(doc.get(doc.catalog, 'Perms'));
  const sig = asDict(doc.get(perms, 'DocMDP'));
  if (!sig) return undefined;
  for (const r of asArray(doc.get(sig, 'Reference')) ?? []) {
    const ref = asDict(doc.resolve(r));
    if (asName(doc.get(ref, 'TransformMethod')) !== 'DocMDP') continue;
    const p = asInt(doc.get(asDict(doc.get(ref, 'TransformParams')), 'P')) ?? 2;
    return p === 1 || p === 3 ? p : 2;
  }
  return 2; // /Perms /DocMDP without a readable reference: the default permission
}

/** Throws PDF_DOCMDP_FORBIDS when the new signature is not allowed. */
export function checkDocMdp(doc: PdfDocument, certify: number | undefined): void {
  const p = docMdpPermission(doc);
  if (p === 1) {
    throw new AppError(
      'PDF_DOCMDP_FORBIDS',
      'The document is certified with "no changes allowed" (DocMDP P=1): it cannot be signed again',
    );
  }
  if (certify !== undefined) {
    if (p !== undefined || listSignatureFields(doc).some((f) => f.isSigned)) {
      throw new AppError(
        'PDF_DOCMDP_FORBIDS',
        'A certification signature must be the first signature of a document, and this document is already signed',
      );
    }
  }
}
