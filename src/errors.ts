/**
 * Errors with stable string codes. One table ({@link httpStatusOf}) maps every code to an HTTP
 * status; no other module decides statuses. Messages state the broken rule in the domain's words.
 */

/** Every error code kyso can produce, with its HTTP status. Add new codes here, never inline. */
export const ERROR_STATUS = {
  // Generic
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,

  // PDF input
  PDF_NOT_A_PDF: 422,
  PDF_TRUNCATED: 422,
  PDF_MALFORMED: 422,
  PDF_XREF_BROKEN: 422,
  PDF_ENCRYPTED: 422,
  PDF_UNSUPPORTED_ENCRYPTION: 422,
  PDF_LIMIT_EXCEEDED: 413,
  PDF_TIMEOUT: 422,
  PDF_DOCMDP_FORBIDS: 409,
  PDF_FIELD_EXISTS: 409,
  PDF_FIELD_NOT_FOUND: 422,
  PDF_ANCHOR_NOT_FOUND: 422,
  PDF_PAGE_OUT_OF_RANGE: 422,

  // Stamp (visible appearances)
  STAMP_IMAGE_INVALID: 422,
  STAMP_SPEC_INVALID: 400,

  // Keys and certificates
  KEY_NOT_FOUND: 404,
  KEY_BAD_PASSWORD: 400,
  KEY_UNREADABLE: 400,
  KEY_UNSUPPORTED_ALGORITHM: 400,
  CERT_EXPIRED: 422,
  CERT_NOT_YET_VALID: 422,
  CERT_KEY_USAGE: 422,

  // Signing
  SIGN_PLACEHOLDER_TOO_SMALL: 500,
  SIGN_FAILED: 500,
  TSA_UNAVAILABLE: 502,

  // Verification
  VERIFY_UNREADABLE: 422,
  CMS_MALFORMED: 422,

  // Registry, documents
  DOCUMENT_NOT_FOUND: 404,
  DOCUMENT_ALREADY_FINAL: 409,
  AGENCY_CODE_INVALID: 400,
  AGENCY_NOT_FOUND: 404,
  AGENCY_EXISTS: 409,

  // Receipts
  RECEIPT_NOT_FOUND: 404,
  RECEIPT_ALREADY_REPLACED: 409,
  RECEIPT_SERIES_EXHAUSTED: 409,
  RECEIPT_INVALID: 400,
  FEE_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,

  // Exchange
  EXCHANGE_UNAVAILABLE: 503,
  EXCHANGE_DUPLICATE_DOCUMENT: 409,
  EXCHANGE_RECEIVER_UNKNOWN: 422,
  EXCHANGE_SENDER_MISMATCH: 403,
  EXCHANGE_ATTACHMENT_REJECTED: 422,
  EXCHANGE_MESSAGE_NOT_FOUND: 404,
  EXCHANGE_SIGNATURE_INVALID: 401,
  EXCHANGE_DELIVERY_FAILED: 502,
  EXCHANGE_NOT_A_RECEIVER: 403,
  EXCHANGE_NOTHING_TO_REPLAY: 409,
  EXCHANGE_ORIGINAL_NOT_FOUND: 422,
} as const;

/** A stable string error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type that crosses module boundaries. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The HTTP status for this error's code. */
  get status(): number {
    return httpStatusOf(this.code);
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** Maps a code to its HTTP status (the single table above). */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_STATUS[code] ?? 500;
}

/** True when `e` is an AppError, optionally with the given code. */
export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

/** Normalises anything thrown into an AppError (unknown errors become INTERNAL). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('INTERNAL', `Unexpected error: ${message}`, undefined, { cause: e });
}
