/**
 * verifyPdf: the verification use case for one PDF. Answers with a {@link VerificationReport};
 * throws only VERIFY_UNREADABLE when the input cannot be read at all (style §2.4). Steps: open →
 * find signature dictionaries → verify each (ByteRange, CMS, coverage, modifications, trust) →
 * settle DocMDP/FieldMDP → ETSI indications → document verdict.
 */
import { AppError } from '../errors';
import { openPdf, PdfDocument } from '../pdf';
import type { VerificationContext } from '../trust/verification-context';
import { checkDocumentStructure } from './check-document-structure';
import { parseAll } from './check-signature-trust';
import { deriveIndication } from './derive-indication';
import { deriveVerdict, isIntact } from './derive-verdict';
import { readDss } from './document-evidence';
import { INDICATION_EXPLANATIONS, problem, VERDICT_EXPLANATIONS } from './explanations';
import { findFieldSignatures, findUnreachableSignatures, FoundSignature } from './find-signatures';
import type { Problem, VerificationReport } from './report';
import { PrefixDigests } from './prefix-digests';
import { settlePermissions } from './settle-permissions';
import { DocumentState, SignatureOutcome, verifySignature } from './verify-signature';

function open(bytes: Buffer, context: VerificationContext): PdfDocument {
  try {
    return openPdf(bytes, context.limits);
  } catch (e) {
    const cause = e instanceof AppError ? e : undefined;
    throw new AppError('VERIFY_UNREADABLE', `The file cannot be read as a PDF: ${(e as Error).message}`, { reason: cause?.code ?? 'PDF_MALFORMED' }, { cause: e });
  }
}

function unreadable(e: unknown): AppError {
  const code = e instanceof AppError ? e.code : 'INTERNAL';
  return new AppError('VERIFY_UNREADABLE', `The PDF could not be processed within the limits: ${(e as Error).message}`, { reason: code }, { cause: e });
}

function documentState(doc: PdfDocument, revisionEnds: number[], context: VerificationContext, digests: PrefixDigests): DocumentState {
  const dss = readDss(doc);
  return {
    doc, bytes: doc.bytes, revisionEnds, context,
    dssCandidates: parseAll([...dss.certs, ...context.certificatePool]),
    dssEvidence: { source: 'DSS', crls: dss.crls, ocsps: dss.ocsps },
    prefixes: new Map(),
    digests,
  };
}

/** Where the revision of the last intact signature ends (0 when none is intact). */
function intactEnd(outcomes: SignatureOutcome[], revisionEnds: number[]): number {
  let end = 0;
  for (const { report: r } of outcomes) {
    const br = r.integrity.byteRange;
    if (!isIntact(r) || !br || br.length !== 4) continue;
    end = Math.max(end, r.signedRevision !== null ? revisionEnds[r.signedRevision - 1] : br[2] + br[3]);
  }
  return end;
}

/** Verifies every signature of `bytes` under `context`. */
export async function verifyPdf(input: Uint8Array, context: VerificationContext): Promise<VerificationReport> {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const doc = open(bytes, context);
  const documentProblems: Problem[] = [];
  const digests = new PrefixDigests(bytes);
  let found: FoundSignature[] = [];
  let outcomes: SignatureOutcome[] = [];
  let revisions = 0;
  try {
    const revisionEnds = doc.revisions.map((r) => r.endOffset);
    revisions = revisionEnds.length;
    const fields = findFieldSignatures(doc);
    found = fields.found;
    let state: DocumentState | null = null;
    const verifyAll = async (list: FoundSignature[]) => {
      if (list.length === 0) return;
      state ??= documentState(doc, revisionEnds, context, digests);
      for (const f of list) outcomes.push(await verifySignature(f, state));
    };
    await verifyAll(found);
    const signedEnd = intactEnd(outcomes, revisionEnds);
    const hidden = findUnreachableSignatures(doc, found, signedEnd);
    found = [...found, ...hidden.found];
    await verifyAll(hidden.found);
    if (fields.unreadable + hidden.unreadable > 0) documentProblems.push(problem('SIGNATURE_UNREADABLE'));
    if (found.length > 0) {
      settlePermissions(doc, found, outcomes);
      documentProblems.push(...checkDocumentStructure(doc, bytes, revisionEnds, intactEnd(outcomes, revisionEnds)));
    }
  } catch (e) {
    throw unreadable(e);
  }
  const signatures = outcomes.map(({ report }) => {
    const { indication, subIndication } = deriveIndication(report.problems);
    report.indication = indication;
    report.subIndication = subIndication;
    report.explanation = INDICATION_EXPLANATIONS[indication];
    if (report.modifications.level !== 'NONE' || report.mdp.violated) {
      const ok = report.modifications.allowed && !report.mdp.violated;
      report.problems.push(problem(ok ? 'ALLOWED_CHANGES' : report.mdp.violated ? 'MDP_VIOLATED' : 'MODIFIED_AFTER_SIGNING'));
    }
    return report;
  });
  const verdict = deriveVerdict(signatures, documentProblems);
  return {
    reportVersion: 1,
    verdict,
    explanation: VERDICT_EXPLANATIONS[verdict],
    validationTime: context.now.toISOString(),
    document: { sha256: digests.whole('sha256').toString('hex'), size: bytes.length, revisions },
    signatures,
    problems: documentProblems,
  };
}
