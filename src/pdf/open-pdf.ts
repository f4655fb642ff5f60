/**
 * Entry point of the reader: checks the header, applies limits, reads the cross-reference chain
 * (or repairs it) and returns a lazy {@link PdfDocument}. Anything thrown is an AppError with a
 * PDF code: a hostile file never escapes as a bare exception.
 */
import { AppError } from '../errors';
import { PdfDocument } from './document';
import { LimitGuard, PdfLimits } from './limits';

const HEADER = Buffer.from('%PDF-');

/** Converts anything thrown while reading into an AppError with a PDF code. */
export function toPdfError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new AppError('PDF_LIMIT_EXCEEDED', 'The PDF nests objects too deeply to be read', { limit: 'maxDepth' });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('PDF_MALFORMED', `The PDF is malformed and cannot be read (${message})`, undefined, { cause: e });
}

/**
 * Opens `bytes` as a PDF. Only the cross-reference data, the trailer and the catalog are read.
 * Throws PDF_NOT_A_PDF, PDF_TRUNCATED, PDF_XREF_BROKEN, PDF_ENCRYPTED, PDF_UNSUPPORTED_ENCRYPTION,
 * PDF_LIMIT_EXCEEDED or PDF_TIMEOUT.
 */
export function openPdf(bytes: Uint8Array, limits?: Partial<PdfLimits>): PdfDocument {
  try {
    const guard = new LimitGuard(limits);
    if (bytes.length > guard.limits.maxBytes) {
      throw new AppError('PDF_LIMIT_EXCEEDED', `The PDF is larger than the accepted ${guard.limits.maxBytes} bytes`, {
        limit: 'maxBytes',
      });
    }
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const header = buf.subarray(0, 1024 + HEADER.length).indexOf(HEADER);
    if (header < 0) throw new AppError('PDF_NOT_A_PDF', 'The file is not a PDF: it has no "%PDF-" header');
    guard.checkTime();
    const doc = new PdfDocument(buf, guard, header);
    doc.load();
    return doc;
  } catch (e) {
    throw toPdfError(e);
  }
}
