/**
 * The ports the exchange use cases need, each implemented by an adapter built in the composition
 * root (style §2.6): the agency directory, the file store, the PDF verifier, the delivery queue,
 * the webhook transport and the federation peer transport.
 */
import type { DocumentVerdict } from '../verification/report';
import type { DocumentStore } from '../storage/document-store';
import type { DeliveryJob } from './delivery-job';

/** How a receiver gets its documents (issue 5 item 1). */
export type AgencyDelivery =
  | { mode: 'pull' }
  | { mode: 'push'; webhookUrl: string; hmacSecret: string };

/** An agency as the exchange sees it. */
export interface ExchangeAgency {
  code: string;
  name: string;
  /** 'local' when this axis hosts it, otherwise the base URL of the peer axis that does. */
  axis: string;
  delivery: AgencyDelivery;
}

/** Looks agencies up by QCVN 102 code. */
export interface AgencyDirectory {
  findAgency(code: string): Promise<ExchangeAgency | null>;
  /** Several at once (one query); optional, findAgency is used otherwise. */
  findAgencies?(codes: string[]): Promise<Map<string, ExchangeAgency>>;
}

/**
 * Content-addressed file storage: the registry's DocumentStore (src/storage). `put` may be told
 * the content key (SHA-256 hex) the caller already computed, so that a store that remembers keys
 * can skip hashing again.
 */
export interface FileStore {
  put(bytes: Buffer, key?: string): Promise<string>;
  get: DocumentStore['get'];
}

/** The part of a verification report the exchange keeps and answers with. */
export interface AttachmentVerification {
  verdict: DocumentVerdict;
  /** The full report (returned to the sender when the attachment is refused). */
  report: unknown;
  /**
   * SHA-256 (hex) of the verified bytes when the verifier computed it anyway (verifyPdf's
   * report.document.sha256), so that the caller does not hash the attachment a second time.
   */
  sha256?: string;
}

/**
 * Judges an attached PDF (wraps verifyPdf with the server's VerificationContext). Called for every
 * attachment of every message: verdicts are not cached, so trust and revocation changes apply to
 * the next message at once.
 */
export type AttachmentVerifier = (bytes: Buffer) => Promise<AttachmentVerification>;

/** The delivery queue as the use cases see it. */
export interface DeliveryQueue {
  /** Throws EXCHANGE_UNAVAILABLE (naming the Redis URL) when the queue cannot be reached. */
  assertAvailable(): Promise<void>;
  /** Adds one job per delivery; an existing job with the same id is left alone (idempotent). */
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
  /** Which of these deliveries have no job in the queue any more (for the sweeper). */
  findMissing(jobs: readonly DeliveryJob[]): Promise<DeliveryJob[]>;
  /** Removes a finished or failed job so that its id can be used again (operator replay). */
  remove(job: DeliveryJob): Promise<void>;
}

/** An HTTP POST as the push and federation transports make it. */
export interface HttpPost {
  (url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: string }>;
}
