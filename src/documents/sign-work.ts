/**
 * The CPU-bound part of {@link signDocument}: parse the PDF, lay out and place the Decree 30
 * appearance (anchor search, seal over the personal signature, QR code), build the incremental
 * update and the CMS, and read the signers already in the document. It takes plain, cloneable
 * values and a KeyHandle, so that it runs the same in the request's thread or in a signing worker
 * thread (signing-workers.ts) whose KeyHandle forwards the private-key operation to the thread
 * that holds the key (PKCS#12 KeyObject, PKCS#11 session).
 */
import type { KeyHandle } from '../keys/key-handle';
import { openPdf, type PdfLimits } from '../pdf';
import { signPdf, type SignPdfOptions } from '../signing/sign-pdf';
import { formatVietnamTime, type QrSpec, type StampKit } from '../stamp';
import { signersOf, type SignerEntry } from './document-signers';
import { resolveAppearance, type AppearanceRequest } from './sign-appearance';

/** The signature dictionary's options a caller may set (passed through to signPdf). */
export type SignatureOptions = Pick<SignPdfOptions, 'reason' | 'location' | 'contactInfo' | 'fieldName' | 'subFilter' | 'certify' | 'hash'>;

/** One signature to make: the input bytes and every option, as structured-cloneable values. */
export interface SignWork extends AppearanceRequest, SignatureOptions {
  pdf: Uint8Array;
  signingTime: Date;
  /** The registry's QR code to draw into the organisation appearance. */
  qrCode?: QrSpec;
  /** Read the signers already in the document (for the registry entry). */
  wantSigners?: boolean;
  limits?: Partial<PdfLimits>;
}

/** The result: only the appended update travels back (the input is the caller's already). */
export interface SignWorkResult {
  /** The incremental update to append to the input (ISO 32000-1 §7.5.6). */
  update: Uint8Array;
  fieldName: string;
  placement?: { page: number; rect: [number, number, number, number] };
  /** Signers of the signatures already in the input (when `wantSigners`). */
  signers?: SignerEntry[];
}

/** Runs a {@link SignWork} somewhere (this thread, or a worker thread). */
export interface SignWorkRunner {
  run(work: SignWork, key: KeyHandle): Promise<SignWorkResult>;
  close(): Promise<void>;
}

/** Does the work in this thread. Throws the appearance, PDF and signing AppErrors. */
export async function runSignWork(stamp: StampKit, key: KeyHandle, work: SignWork): Promise<SignWorkResult> {
  const doc = openPdf(work.pdf, work.limits);
  const visible = resolveAppearance(stamp, doc, work, {
    certificate: key.certificate,
    signingTime: formatVietnamTime(work.signingTime),
    qr: work.qrCode,
  });
  const signed = await signPdf(work.pdf, key, {
    signingTime: work.signingTime,
    reason: work.reason,
    location: work.location,
    contactInfo: work.contactInfo,
    fieldName: work.fieldName,
    subFilter: work.subFilter,
    certify: work.certify,
    hash: work.hash,
    page: visible?.page,
    rect: visible?.rect,
    appearance: visible?.appearance,
    limits: work.limits,
    document: doc, // opened above to place the widget: not parsed a second time
  });
  // the signed file is [input, update]: the writer never copies or changes the input
  return {
    update: signed.parts[1],
    fieldName: signed.fieldName,
    placement: visible ? { page: visible.page, rect: visible.rect } : undefined,
    signers: work.wantSigners ? signersOf(doc) : undefined,
  };
}

/** The in-thread runner (no workers configured). */
export function inThreadSignWork(stamp: StampKit): SignWorkRunner {
  return { run: (work, key) => runSignWork(stamp, key, work), close: async () => undefined };
}
