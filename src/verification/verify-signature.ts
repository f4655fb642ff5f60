/**
 * Verifies one signature dictionary of a PDF and records separate facts (pyHanko
 * `SignatureStatus`): ByteRange rules, CMS, coverage, modifications after the signed revision,
 * trust. Permissions (DocMDP/FieldMDP) and the final `allowed` flag are settled by verifyPdf,
 * which sees all signatures.
 */
import { asName, asText, PdfDocument } from '../pdf';
import type { ParsedCertificate } from '../cms/parse-certificate';
import type { RevocationEvidence } from '../trust/check-revocation';
import type { VerificationContext } from '../trust/verification-context';
import { analyseModifications, ModificationAnalysis } from './analyse-modifications';
import { openSignedRevision, SignedRevision } from './open-signed-revision';
import type { PrefixDigests } from './prefix-digests';
import { checkByteRange } from './check-byte-range';
import { byteRangeDigest, checkSignatureCms } from './check-signature-cms';
import { checkSignatureTrust } from './check-signature-trust';
import { parsePdfDate } from './document-evidence';
import { problem, ProblemCode } from './explanations';
import type { FoundSignature } from './find-signatures';
import type { Coverage, SignatureReport, TrustFacts } from './report';

/** Per-document state shared by the signatures of one verification. */
export interface DocumentState {
  doc: PdfDocument;
  bytes: Buffer;
  revisionEnds: number[];
  dssCandidates: ParsedCertificate[];
  dssEvidence: RevocationEvidence;
  context: VerificationContext;
  /** Shared prefix hash states (ByteRange digests and the document digest). */
  digests: PrefixDigests;
  /** Signed revisions by end offset (null: unreadable). */
  prefixes: Map<number, SignedRevision | null>;
}

/** A signature report plus what verifyPdf needs to settle permissions. */
export interface SignatureOutcome {
  report: SignatureReport;
  analysis: ModificationAnalysis | null;
}

const EMPTY_TRUST: TrustFacts = {
  chain: [], chainTrusted: false, anchor: null, validAtSigningTime: false, keyUsageOk: false,
  revocation: { status: 'NOT_CHECKED', source: 'NONE', revokedAt: null, reason: null },
};

/** Index of the revision the ByteRange end reaches (tolerating the EOL after %%EOF), or -1. */
function revisionIndex(bytes: Buffer, ends: number[], end: number): number {
  for (let i = 0; i < ends.length; i++) {
    if (ends[i] === end) return i;
    if (end < ends[i] && ends[i] - end <= 2 && /^[\r\n]*$/.test(bytes.toString('latin1', end, ends[i]))) {
      if (bytes.toString('latin1', end - 5, end) === '%%EOF') return i;
    }
  }
  return -1;
}

function prefix(state: DocumentState, end: number): SignedRevision | null {
  if (!state.prefixes.has(end)) state.prefixes.set(end, openSignedRevision(state.doc, end, state.context.limits));
  return state.prefixes.get(end)!;
}

/** Compares the signed revision with the final document; every object when the old one needed repair. */
function compareRevisions(old: SignedRevision, doc: PdfDocument): ModificationAnalysis {
  const analysis = analyseModifications(old.doc, doc, old.laterNumbers);
  return old.doc.repaired && old.laterNumbers ? analyseModifications(old.doc, doc, null) : analysis;
}

/** Verifies `found` and returns its report (indication settled later by verifyPdf). */
export async function verifySignature(found: FoundSignature, state: DocumentState): Promise<SignatureOutcome> {
  const { doc, bytes, context } = state;
  const sig = found.sig;
  const subFilter = asName(doc.resolve(sig.get('SubFilter'))) ?? null;
  const isDocTimestamp = asName(sig.get('Type')) === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161';
  const problems: ProblemCode[] = [];
  const br = checkByteRange(doc, bytes, found.sigRef, sig);
  problems.push(...br.problems);
  const digest = byteRangeDigest(state.digests, br.checks.insideFile ? br.byteRange : null);
  const cms = checkSignatureCms(br.cms, subFilter, digest);
  problems.push(...cms.problems);

  const end = br.byteRange && br.byteRange.length === 4 ? br.byteRange[2] + br.byteRange[3] : -1;
  const rev = revisionIndex(bytes, state.revisionEnds, end);
  let coverage: Coverage = 'PARTIAL';
  if (end === bytes.length) coverage = 'ENTIRE_FILE';
  else if (rev >= 0) coverage = 'ENTIRE_REVISION';
  if (coverage === 'PARTIAL') problems.push('COVERAGE_PARTIAL');

  let analysis: ModificationAnalysis | null = null;
  const revisionsAfter = rev >= 0 ? state.revisionEnds.length - 1 - rev : 0;
  if (coverage === 'ENTIRE_REVISION' && revisionsAfter > 0) {
    const old = prefix(state, state.revisionEnds[rev]);
    analysis = old
      ? compareRevisions(old, doc)
      : { level: 'OTHER', changes: [], changedFields: [], addsApprovalSignature: false };
  }

  const claimed = parsePdfDate(asText(doc.resolve(sig.get('M'))));
  let trust = EMPTY_TRUST;
  if (cms.signer) {
    const signingTime = cms.timestampTime ?? claimed ?? cms.cmsSigningTime ?? context.now;
    const evidence: RevocationEvidence[] = [state.dssEvidence, { source: 'CMS', ...cms.archival }];
    const t = await checkSignatureTrust(cms.signer, [...cms.certificates, ...state.dssCandidates], evidence, context, signingTime, cms.timestampTime !== null);
    trust = t.facts;
    problems.push(...t.problems);
  }
  const unique = [...new Set(problems)];
  if (!found.reachable) unique.push('SIGNATURE_UNREACHABLE');
  const signer = cms.signer;
  const report: SignatureReport = {
    fieldName: found.fieldName,
    reachable: found.reachable,
    type: isDocTimestamp ? 'documentTimestamp' : 'approval',
    subFilter,
    signer: signer ? { subject: signer.subject, organisation: signer.organisation, serialNumber: signer.serialHex, issuer: signer.issuer } : null,
    claimedSigningTime: claimed?.toISOString() ?? null,
    timestampTime: cms.timestampTime?.toISOString() ?? null,
    integrity: {
      byteRange: br.byteRange,
      byteRangeChecks: br.checks,
      digestMatches: cms.digestMatches,
      signatureValid: cms.signatureValid,
      signedAttributes: { messageDigest: cms.messageDigest, contentType: cms.contentType, signingCertificate: cms.signingCertificate },
    },
    coverage,
    signedRevision: rev >= 0 ? rev + 1 : null,
    modifications: { level: analysis?.level ?? 'NONE', allowed: true, revisionsAfter, changes: analysis?.changes ?? [] },
    mdp: { docMdpPermission: null, fieldMdp: null, violated: false },
    trust,
    indication: 'INDETERMINATE',
    subIndication: null,
    explanation: { vi: '', en: '' },
    problems: unique.map((c) => problem(c)),
  };
  return { report, analysis };
}
