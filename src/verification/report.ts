/**
 * The verification report model: separate facts per signature, an ETSI EN 319 102-1 indication
 * derived from them, and a document verdict. Verification answers with this report and throws
 * only for unreadable input (pyHanko `SignatureStatus`, DSS `Indication`/`SubIndication`).
 * The JSON shape is fixed by schemas/verification-report.v1.json; bump `reportVersion` on any
 * incompatible change.
 */

/** ETSI EN 319 102-1 §5.1.3 main indications. */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** ETSI EN 319 102-1 Table 5/6 sub-indications used by kyso. */
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'TRY_LATER'
  | 'SIGNED_DATA_NOT_FOUND';

/** Document verdict (issue 3 item 2). */
export type DocumentVerdict = 'VALID' | 'MODIFIED' | 'INVALID' | 'INDETERMINATE' | 'NOT_SIGNED';

/** What part of the file a signature's ByteRange covers (pyHanko SignatureCoverageLevel). */
export type Coverage = 'ENTIRE_FILE' | 'ENTIRE_REVISION' | 'PARTIAL';

/** The worst change made after the signed revision (pyHanko ModificationLevel, renamed). */
export type ModificationLevel =
  | 'NONE'
  | 'SIGNATURES_AND_TIMESTAMPS'
  | 'FORM_FILLING'
  | 'ANNOTATIONS'
  | 'OTHER';

/** A sentence in both report languages. */
export interface Explanation {
  vi: string;
  en: string;
}

/** A problem found while verifying, with a stable code and its explanation. */
export interface Problem extends Explanation {
  code: string;
  /** `error` breaks the signature, `warning` makes it indeterminate or is informative. */
  severity: 'error' | 'warning' | 'info';
  detail?: string;
}

/** A certificate as the report shows it. */
export interface CertificateSummary {
  subject: string;
  organisation: string | null;
  serialNumber: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
}

/** ByteRange shape checks, each true when the rule holds (USF countermeasures). */
export interface ByteRangeChecks {
  present: boolean;
  startsAtZero: boolean;
  singleGap: boolean;
  gapIsContents: boolean;
  insideFile: boolean;
  noOverlap: boolean;
}

/** Cryptographic integrity facts of one signature. */
export interface IntegrityFacts {
  byteRange: number[] | null;
  byteRangeChecks: ByteRangeChecks;
  digestMatches: boolean;
  signatureValid: boolean;
  signedAttributes: {
    messageDigest: boolean;
    contentType: boolean;
    /** ESS signing-certificate(-v2) names the signer certificate; null when absent. */
    signingCertificate: boolean | null;
  };
}

/** An object changed after the signed revision, and the rule that judged it. */
export interface ChangedObject {
  objectNumber: number;
  generation: number;
  /** `added`, `changed` or `deleted` relative to the signed revision. */
  change: 'added' | 'changed' | 'deleted';
  /** What the object is (e.g. `/Sig`, `/Annot`, `page`, `DSS`). */
  kind: string;
  level: ModificationLevel;
  rule: string;
}

/** Modification analysis between the signed revision and the final one. */
export interface ModificationFacts {
  level: ModificationLevel;
  /** True when every change is whitelisted and permitted (DocMDP, or a later signature covers it). */
  allowed: boolean;
  revisionsAfter: number;
  changes: ChangedObject[];
}

/** DocMDP / FieldMDP permissions and whether later changes respect them. */
export interface MdpFacts {
  docMdpPermission: 1 | 2 | 3 | null;
  fieldMdp: { action: string; fields: string[] } | null;
  violated: boolean;
}

/** Revocation check result and where its data came from. */
export interface RevocationFacts {
  status: 'GOOD' | 'REVOKED' | 'UNKNOWN' | 'NOT_CHECKED';
  source: 'DSS' | 'CMS' | 'ONLINE' | 'NONE';
  revokedAt: string | null;
  reason: string | null;
}

/** Chain and certificate facts. */
export interface TrustFacts {
  chain: CertificateSummary[];
  chainTrusted: boolean;
  anchor: string | null;
  validAtSigningTime: boolean;
  keyUsageOk: boolean;
  revocation: RevocationFacts;
}

/** Everything kyso found about one signature dictionary. */
export interface SignatureReport {
  fieldName: string | null;
  /** False when the /Sig dictionary is not reachable from the AcroForm fields. */
  reachable: boolean;
  type: 'approval' | 'certification' | 'documentTimestamp';
  subFilter: string | null;
  signer: {
    subject: string;
    organisation: string | null;
    serialNumber: string;
    issuer: string;
  } | null;
  claimedSigningTime: string | null;
  timestampTime: string | null;
  integrity: IntegrityFacts;
  coverage: Coverage;
  /** 1-based index of the revision whose end this signature's ByteRange reaches; null if none. */
  signedRevision: number | null;
  modifications: ModificationFacts;
  mdp: MdpFacts;
  trust: TrustFacts;
  indication: Indication;
  subIndication: SubIndication | null;
  explanation: Explanation;
  problems: Problem[];
}

/** The whole answer of verifyPdf. */
export interface VerificationReport {
  reportVersion: 1;
  verdict: DocumentVerdict;
  explanation: Explanation;
  validationTime: string;
  document: { sha256: string; size: number; revisions: number };
  signatures: SignatureReport[];
  problems: Problem[];
}
