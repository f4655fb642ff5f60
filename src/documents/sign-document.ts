/**
 * The signing use case behind `kyso sign` and POST /api/v1/sign (issue 4): a Decree 30/2020
 * Appendix I visible signature (personal, organisation, attachment, copy or none), placed by an
 * anchor text or a page rectangle, optionally the QR code of the registry entry and the
 * registration. With a QR code the order is fixed because the QR is part of what is signed:
 * reserve the id and token (in memory) -> draw the QR into the organisation appearance -> sign ->
 * issue the registry entry with the signed bytes, the signers and the metadata in one write
 * (Decree 45/2020 art. 18.2). Nothing is written to the registry before the signature exists.
 */
import type { KeyStore } from '../keys/load-key-store';
import type { PdfLimits } from '../pdf';
import { formatVietnamTime, type StampKit } from '../stamp';
import type { Actor, DocumentsDeps } from './document';
import { signerFromCertificate, type SignerEntry } from './document-signers';
import { issueDocument, reserveDocumentInMemory, type DocumentMetadata, type DocumentReservation } from './register-document';
import { checkSignRequest, type AppearanceChoice, type AppearanceRequest, type CopyKind } from './sign-appearance';
import { runSignWork, type SignatureOptions, type SignWork, type SignWorkRunner } from './sign-work';

export type { AppearanceChoice, CopyKind };

/** What {@link signDocument} needs. */
export interface SignDocumentDeps {
  keys: Pick<KeyStore, 'get' | 'list'>;
  /** Per-process appearance caches (fonts, images), see createStampKit. */
  stamp: StampKit;
  /**
   * Where the CPU-bound part runs (signing-workers.ts: worker threads, so that signing uses every
   * core while this thread serves requests and the registry). @defaultValue this thread
   */
  workers?: SignWorkRunner;
  /** The registry; required for `qr` and `register`. */
  documents?: DocumentsDeps;
  /** @defaultValue () => new Date() */
  now?: () => Date;
  /** Input limits for one request (sizes and a deadline). @defaultValue the reader's defaults */
  limits?: () => Partial<PdfLimits>;
}

/** One signing request. */
export interface SignDocumentInput extends AppearanceRequest, SignatureOptions {
  pdf: Uint8Array;
  keyAlias: string;
  /** Who asks (the registry checks that an agency issues only in its own name). */
  actor: Actor;
  register?: boolean;
  documentType?: string;
}

/** The signed file and, when registered, its registry entry. */
export interface SignDocumentResult {
  bytes: Buffer;
  fieldName: string;
  signingTime: Date;
  /** Where the widget went (absent for an invisible signature). */
  placement?: { page: number; rect: [number, number, number, number] };
  document?: { id: string; verificationUrl: string; sha256: string | null };
}

/** The signer entry of each key's certificate, parsed once per key (the time is added per signature). */
const keySigners = new WeakMap<Buffer, SignerEntry>();

function signerOf(certificate: Buffer): SignerEntry {
  let signer = keySigners.get(certificate);
  if (!signer) keySigners.set(certificate, (signer = signerFromCertificate(certificate, '')));
  return signer;
}

/**
 * Signs `input.pdf` with the configured key `input.keyAlias`, with the chosen appearance and,
 * on request, the QR code and the registration. Throws AppError: VALIDATION_FAILED (missing
 * image, number, title, agency, registry), KEY_NOT_FOUND, PDF_ANCHOR_NOT_FOUND, STAMP_* and the
 * signing and registry errors. When signing fails nothing is left in the registry.
 */
export async function signDocument(deps: SignDocumentDeps, input: SignDocumentInput): Promise<SignDocumentResult> {
  const entry = deps.keys.list().find((e) => e.alias === input.keyAlias);
  const register = Boolean(input.register || input.qr);
  checkSignRequest(input, { register, hasRegistry: Boolean(deps.documents), agencyCode: entry?.agencyCode ?? undefined });
  const key = await deps.keys.get(input.keyAlias);
  const signingTime = (deps.now ?? (() => new Date()))();

  const reservation: DocumentReservation | undefined =
    register && deps.documents ? reserveDocumentInMemory(deps.documents, { issuingAgencyCode: entry?.agencyCode as string, actor: input.actor }) : undefined;
  const { pdf, keyAlias: _alias, actor: _actor, register: _register, ...options } = input;
  const work: SignWork = {
    ...options,
    pdf,
    signingTime,
    qrCode: input.qr && reservation ? { url: reservation.verificationUrl, documentId: reservation.id } : undefined,
    wantSigners: Boolean(reservation),
    limits: deps.limits?.(),
  };
  const done = deps.workers ? await deps.workers.run(work, key) : await runSignWork(deps.stamp, key, work);
  const bytes = Buffer.concat([pdf, done.update]);
  const result: SignDocumentResult = { bytes, fieldName: done.fieldName, signingTime, placement: done.placement };
  if (!reservation || !deps.documents) return result;

  const metadata: DocumentMetadata = {
    numberAndNotation: input.numberAndNotation as string,
    title: input.title as string,
    documentType: input.documentType,
    signers: [...(done.signers ?? []), { ...signerOf(key.certificate), signingTime: formatVietnamTime(signingTime) }],
  };
  const issued = await issueDocument(deps.documents, { reservation, signedBytes: bytes, metadata, actor: input.actor });
  result.document = { id: reservation.id, verificationUrl: reservation.verificationUrl, sha256: issued.sha256 };
  return result;
}
