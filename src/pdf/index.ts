/**
 * The PDF engine's public surface: a lazy reader driven by cross-reference data, object model,
 * page tree, form fields, revisions, limits, and the incremental writer. No I/O, no crypto
 * beyond the standard security handler.
 */
export { openPdf, toPdfError } from './open-pdf';
export { PdfDocument } from './document';
export { DEFAULT_PDF_LIMITS, LimitGuard, type PdfLimits } from './limits';
export * from './objects';
export { PageTree, type PageInfo } from './page-tree';
export { getAcroForm, listFields, listSignatureFields, type FormField } from './acro-form';
export type { Revision } from './revisions';
export { endOfRevision } from './revisions';
export type { XrefSection } from './xref';
export { XrefTable, type XrefEntry } from './xref-table';
export { hexStringSource, Parser } from './parser';
export { IncrementalWriter, WrittenUpdate } from './incremental-writer';
export { ByteSink, serializeObject, writeObject, formatName, formatReal } from './serializer';
