import { execFileSync } from 'node:child_process';
import { asArray, openPdf, PageTree, PdfRef, PdfStream } from '../../../src/pdf';
import { requireTool } from '../../helpers/require-tool';
import { corpus, makePdf, tempFile } from './pdf-test-kit';

describe('cross-reference kinds', () => {
  test('when pdf-lib writes a classic table, then the last section is a table and pages are found', async () => {
    const doc = openPdf(await makePdf(3));
    expect(doc.chain?.sections[0].kind).toBe('table');
    expect(new PageTree(doc).count).toBe(3);
    expect(new PageTree(doc).page(2).mediaBox).toEqual([0, 0, 595, 842]);
  });

  test('when pdf-lib writes object streams, then objects resolve from an xref stream', async () => {
    const doc = openPdf(await makePdf(5, true));
    expect(doc.chain?.sections[0].kind).toBe('stream');
    expect([...doc.entries.values()].some((e) => e.type === 'c')).toBe(true);
    const tree = new PageTree(doc);
    expect(tree.count).toBe(5);
    expect(tree.walk()).toHaveLength(5);
    expect(tree.page(4).ref).toBeInstanceOf(PdfRef);
  });

  test('when a hybrid file is read, then the /XRefStm entries join the table entries', () => {
    const doc = openPdf(corpus('qpdf/hybrid-xref.pdf'));
    expect(doc.chain?.sections[0].kind).toBe('table');
    expect([...doc.entries.values()].some((e) => e.type === 'c')).toBe(true);
    expect(new PageTree(doc).count).toBe(30);
  });

  test('when a file has incremental updates, then each revision ends after its %%EOF', () => {
    const bytes = corpus('qpdf/incremental-3.pdf');
    const doc = openPdf(bytes);
    const revs = doc.revisions;
    const eofs = bytes.toString('latin1').split('%%EOF').length - 1;
    expect(revs.length).toBe(eofs);
    expect(revs[revs.length - 1].endOffset).toBe(bytes.length);
    for (let i = 1; i < revs.length; i++) expect(revs[i].endOffset).toBeGreaterThan(revs[i - 1].endOffset);
    for (const r of revs) expect(bytes.toString('latin1', r.endOffset - 7, r.endOffset)).toMatch(/%%EOF\r?\n?$/);
  });

  test('when the startxref offset is wrong, then the file is repaired and says why', async () => {
    const good = await makePdf(2);
    const text = good.toString('latin1').replace(/startxref\n\d+/, 'startxref\n12');
    const doc = openPdf(Buffer.from(text, 'latin1'));
    expect(doc.repaired).toBe(true);
    expect(doc.repairReason).toBeTruthy();
    expect(new PageTree(doc).count).toBe(2);
  });

  test('when the input is not a PDF, truncated to nothing, or too big, then the codes say so', () => {
    expect(() => openPdf(Buffer.from('hello'))).toThrow(expect.objectContaining({ code: 'PDF_NOT_A_PDF' }));
    expect(() => openPdf(Buffer.from('%PDF-1.7\n1 0 obj\n<<'))).toThrow(expect.objectContaining({ code: 'PDF_TRUNCATED' }));
    expect(() => openPdf(Buffer.alloc(2048, 0x20), { maxBytes: 1024 })).toThrow(expect.objectContaining({ code: 'PDF_LIMIT_EXCEEDED' }));
  });

  test('when the deadline has already passed, then PDF_TIMEOUT is thrown', () => {
    expect(() => openPdf(corpus('qpdf/minimal.pdf'), { deadlineMs: Date.now() - 1 })).toThrow(expect.objectContaining({ code: 'PDF_TIMEOUT' }));
  });
});

const describeQpdf = requireTool('qpdf', 'qpdf') ? describe : describe.skip;

describeQpdf('encrypted files (empty user password)', () => {
  const cases: [string, string[]][] = [
    ['rc4-40', ['--allow-weak-crypto', '--encrypt', '', 'owner', '40', '--']],
    ['rc4-128', ['--allow-weak-crypto', '--encrypt', '', 'owner', '128', '--use-aes=n', '--']],
    ['aes-128', ['--encrypt', '', 'owner', '128', '--use-aes=y', '--']],
    ['aes-256-r6', ['--encrypt', '', 'owner', '256', '--']],
    ['aes-256-r5', ['--allow-weak-crypto', '--encrypt', '', 'owner', '256', '--force-R5', '--']],
  ];
  test.each(cases)('when a file is encrypted with %s, then the page content decodes like qpdf decodes it', async (label, args) => {
    const src = tempFile(`plain-${label}.pdf`, await makePdf(2));
    const enc = tempFile(`enc-${label}.pdf`, Buffer.alloc(0));
    execFileSync('qpdf', [...args, src, enc]);
    const doc = openPdf(require('node:fs').readFileSync(enc));
    expect(doc.security).toBeDefined();
    const page = new PageTree(doc).page(0);
    const contents = page.dict.get('Contents');
    const ref = (asArray(contents)?.[0] ?? contents) as PdfRef;
    const ours = doc.decodeStream(doc.getObject(ref) as PdfStream);
    const theirs = execFileSync('qpdf', [enc, `--show-object=${ref.num}`, '--filtered-stream-data']);
    expect(ours.equals(theirs)).toBe(true);
  });

  test('when a file needs a user password, then it is refused with PDF_ENCRYPTED', async () => {
    const src = tempFile('plain-user.pdf', await makePdf(1));
    const enc = tempFile('enc-user.pdf', Buffer.alloc(0));
    execFileSync('qpdf', ['--encrypt', 'secret', 'owner', '256', '--', src, enc]);
    expect(() => openPdf(require('node:fs').readFileSync(enc))).toThrow(expect.objectContaining({ code: 'PDF_ENCRYPTED' }));
  });

  test('when the corpus file signed and encrypted by qpdf is read, then its signature /Contents is not decrypted', () => {
    const doc = openPdf(corpus('qpdf/minimal-signed-restricted.pdf'));
    const { listSignatureFields } = require('../../../src/pdf');
    const [sig] = listSignatureFields(doc);
    const contents = sig.value.get('Contents');
    expect(contents.bytes[0]).toBe(0x30); // a DER SEQUENCE, i.e. the CMS as stored
  });
});
