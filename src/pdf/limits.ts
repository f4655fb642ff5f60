/**
 * Limits on what one PDF may cost us (issue 2, "Bad input"): size, object count, nesting depth,
 * decompressed bytes and wall-clock time. A hostile file must end in a clear error, never a hang.
 */
import { AppError } from '../errors';

/** Limits for reading one document. Merged once with {@link DEFAULT_PDF_LIMITS}. */
export interface PdfLimits {
  /** Largest accepted input in bytes. @defaultValue 512 MiB */
  maxBytes: number;
  /** Most objects the cross-reference data (or a repair scan) may declare. @defaultValue 5,000,000 */
  maxObjects: number;
  /** Deepest nesting of arrays and dictionaries. @defaultValue 100 */
  maxDepth: number;
  /** Absolute deadline (a `Date.now()` value) checked inside loops. @defaultValue Infinity */
  deadlineMs: number;
  /** Largest output of one decoded stream. @defaultValue 256 MiB */
  maxDecompressedBytes: number;
}

/** The defaults; callers override per request. */
export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxObjects: 5_000_000,
  maxDepth: 100,
  deadlineMs: Number.POSITIVE_INFINITY,
  maxDecompressedBytes: 256 * 1024 * 1024,
};

/** Enforces {@link PdfLimits}; `tick()` is cheap enough to call in every loop iteration. */
export class LimitGuard {
  readonly limits: PdfLimits;
  private ticks = 0;

  constructor(limits?: Partial<PdfLimits>) {
    this.limits = { ...DEFAULT_PDF_LIMITS, ...limits };
  }

  /** Checks the deadline every 256 calls. */
  tick(): void {
    if ((++this.ticks & 0xff) === 0) this.checkTime();
  }

  /** Throws PDF_TIMEOUT when the deadline has passed. */
  checkTime(): void {
    if (Date.now() > this.limits.deadlineMs) {
      throw new AppError('PDF_TIMEOUT', 'Reading the PDF took longer than the allowed processing time');
    }
  }

  /** Throws PDF_LIMIT_EXCEEDED when `count` objects exceed the limit. */
  checkObjects(count: number): void {
    if (count > this.limits.maxObjects) {
      throw new AppError('PDF_LIMIT_EXCEEDED', `The PDF declares more than ${this.limits.maxObjects} objects`, {
        limit: 'maxObjects',
      });
    }
  }

  /** Throws PDF_LIMIT_EXCEEDED when nesting is deeper than allowed. */
  checkDepth(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new AppError(
        'PDF_LIMIT_EXCEEDED',
        `The PDF nests arrays or dictionaries deeper than ${this.limits.maxDepth} levels`,
        { limit: 'maxDepth' },
      );
    }
  }
}
