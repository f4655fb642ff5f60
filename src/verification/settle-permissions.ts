/**
 * Settles DocMDP / FieldMDP and whether the changes after each signature are allowed (ISO 32000-1
 * 12.8.2.2 DocMDP, 12.8.2.4 FieldMDP; ETSI EN 319 142-1 §5.4: DSS and document timestamps are
 * always allowed). Without a certification signature only signatures and timestamps may follow a
 * signature, unless a later intact signature covers the form filling or annotations (so a shadow
 * attack that merely fills a field after signing is never VALID).
 */
import { asArray, asName, PdfDict, PdfDocument, PdfRef, PdfString } from '../pdf';
import { LEVEL_ORDER, ModificationAnalysis } from './analyse-modifications';
import { isIntact } from './derive-verdict';
import type { FoundSignature } from './find-signatures';
import type { ModificationLevel, SignatureReport } from './report';

const ALLOWED_BY_P: Record<1 | 2 | 3, ModificationLevel> = { 1: 'SIGNATURES_AND_TIMESTAMPS', 2: 'FORM_FILLING', 3: 'ANNOTATIONS' };

function transform(doc: PdfDocument, sig: PdfDict, method: string): PdfDict | undefined {
  for (const r of asArray(doc.resolve(sig.get('Reference'))) ?? []) {
    const ref = doc.resolve(r);
    if (ref instanceof PdfDict && asName(ref.get('TransformMethod')) === method) {
      const p = doc.resolve(ref.get('TransformParams'));
      return p instanceof PdfDict ? p : new PdfDict();
    }
  }
  return undefined;
}

/** The DocMDP P of the certification signature named by the catalog /Perms /DocMDP, or null. */
export function docMdpPermission(doc: PdfDocument, found: FoundSignature): 1 | 2 | 3 | null {
  try {
    const perms = doc.get(doc.catalog, 'Perms');
    const ref = perms instanceof PdfDict ? perms.get('DocMDP') : undefined;
    if (!(ref instanceof PdfRef) || ref.num !== found.sigRef?.num) return null;
    const params = transform(doc, found.sig, 'DocMDP');
    const p = params?.get('P');
    return p === 1 || p === 3 ? p : 2;
  } catch {
    return null;
  }
}

/** FieldMDP of a signature: /Action and /Fields (names), or null. */
export function fieldMdp(doc: PdfDocument, sig: PdfDict): { action: string; fields: string[] } | null {
  const params = transform(doc, sig, 'FieldMDP');
  if (!params) return null;
  const fields = (asArray(doc.resolve(params.get('Fields'))) ?? []).flatMap((f) => (f instanceof PdfString ? [f.toText()] : []));
  return { action: asName(params.get('Action')) ?? 'All', fields };
}

function isLocked(name: string, mdp: { action: string; fields: string[] }): boolean {
  if (mdp.action === 'All') return true;
  const listed = mdp.fields.some((f) => name === f || name.startsWith(`${f}.`));
  return mdp.action === 'Include' ? listed : !listed;
}

/** Fills `mdp` and `modifications.allowed` of every report (same order as `found`). */
export function settlePermissions(
  doc: PdfDocument,
  found: readonly FoundSignature[],
  outcomes: ReadonlyArray<{ report: SignatureReport; analysis: ModificationAnalysis | null }>,
): void {
  let docP: 1 | 2 | 3 | null = null;
  found.forEach((f, i) => {
    const p = docMdpPermission(doc, f);
    if (p) {
      docP = p;
      outcomes[i].report.type = 'certification';
    }
  });
  outcomes.forEach(({ report, analysis }, i) => {
    const fm = fieldMdp(doc, found[i].sig);
    report.mdp = { docMdpPermission: docP, fieldMdp: fm, violated: false };
    if (!analysis) return;
    const level = LEVEL_ORDER[analysis.level];
    if (docP) {
      report.mdp.violated = level > LEVEL_ORDER[ALLOWED_BY_P[docP]] || (docP === 1 && analysis.addsApprovalSignature);
    }
    if (fm && analysis.changedFields.some((n) => isLocked(n, fm))) report.mdp.violated = true;
    const coveredLater = outcomes.some(
      (o) => o.report.signedRevision !== null && report.signedRevision !== null && o.report.signedRevision > report.signedRevision &&
        isIntact(o.report) && LEVEL_ORDER[o.report.modifications.level] <= LEVEL_ORDER.SIGNATURES_AND_TIMESTAMPS,
    );
    const limit = docP ? ALLOWED_BY_P[docP] : 'SIGNATURES_AND_TIMESTAMPS';
    report.modifications.allowed =
      analysis.level !== 'OTHER' && !report.mdp.violated && (level <= LEVEL_ORDER[limit] || (!docP && coveredLater));
  });
}
