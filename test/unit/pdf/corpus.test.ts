import { isAppError } from '../../../src/errors';
import { listSignatureFields, openPdf, PageTree } from '../../../src/pdf';
import { corpus, corpusFiles } from './pdf-test-kit';

const files = corpusFiles();
/** Files that need a user password (qpdf and poppler refuse them too). */
const PASSWORD_PROTECTED = new Set(['pdf-lib/encrypted_new.pdf', 'pdf-lib/encrypted_old.pdf']);

const describeCorpus = files.length ? describe : describe.skip;

describeCorpus('reading the shared corpus', () => {
  test.each(files.filter((f) => f.expected === 'ROBUSTNESS').map((f) => [f.file]))(
    'when %s is opened with a deadline, then it opens or fails with a PDF AppError in time',
    (file) => {
      const started = Date.now();
      try {
        const doc = openPdf(corpus(file), { deadlineMs: Date.now() + 3000 });
        const pages = new PageTree(doc);
        if (pages.count > 0) pages.page(0);
        listSignatureFields(doc);
      } catch (e) {
        expect(isAppError(e)).toBe(true);
        expect((e as { code: string }).code).toMatch(/^PDF_/);
      }
      expect(Date.now() - started).toBeLessThan(4000);
    },
  );

  test.each(files.filter((f) => f.expected !== 'ROBUSTNESS' && !PASSWORD_PROTECTED.has(f.file)).map((f) => [f.file, f.expected]))(
    'when %s (%s) is opened, then its first page and signature fields are readable without repair',
    (file, expected) => {
      const doc = openPdf(corpus(file));
      expect(doc.repaired).toBe(false);
      const pages = new PageTree(doc);
      expect(pages.count).toBeGreaterThan(0);
      expect(pages.page(0).mediaBox).toHaveLength(4);
      const sigs = listSignatureFields(doc);
      if (expected === 'VALID') expect(sigs.some((s) => s.isSigned)).toBe(true);
      if (expected === 'NOT-SIGNED') expect(sigs.every((s) => !s.isSigned)).toBe(true);
    },
  );

  test.each([...PASSWORD_PROTECTED].map((f) => [f]))('when %s needs a user password, then it is refused with PDF_ENCRYPTED', (file) => {
    expect(() => openPdf(corpus(file))).toThrow(expect.objectContaining({ code: 'PDF_ENCRYPTED' }));
  });
});
