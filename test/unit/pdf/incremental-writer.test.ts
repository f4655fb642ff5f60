import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { IncrementalWriter, name, openPdf, PdfDict, PdfStream, PdfString } from '../../../src/pdf';
import { requireTool } from '../../helpers/require-tool';
import { corpus, makePdf, qpdfCheck, tempFile } from './pdf-test-kit';

const hasQpdf = requireTool('qpdf', 'qpdf');

function addNote(bytes: Buffer, text: string): { out: Buffer; num: number } {
  const doc = openPdf(bytes);
  const w = new IncrementalWriter(doc);
  const ref = w.add(PdfDict.from({ Type: name('Note'), Text: PdfString.fromText(text) }));
  const stream = w.add(new PdfStream(PdfDict.from({}), Buffer.from('q Q')));
  const catalog = new PdfDict(doc.catalog);
  catalog.set('KysoNote', ref);
  catalog.set('KysoStream', stream);
  w.set(doc.rootRef, catalog);
  return { out: w.write().bytes, num: ref.num };
}

function readNote(bytes: Buffer): string {
  const doc = openPdf(bytes);
  const note = doc.get(doc.catalog, 'KysoNote') as PdfDict;
  expect(doc.decodeStream(doc.get(doc.catalog, 'KysoStream') as PdfStream).toString()).toBe('q Q');
  return (note.get('Text') as PdfString).toText();
}

describe('incremental writer', () => {
  test('when a classic-table file is updated, then the input bytes are untouched and a table with /Prev follows', async () => {
    const input = await makePdf(2);
    const { out } = addNote(input, 'xin chào');
    expect(out.subarray(0, input.length).equals(input)).toBe(true);
    const again = openPdf(out);
    expect(again.chain?.sections[0].kind).toBe('table');
    expect(again.chain?.sections[0].trailer.get('Prev')).toBe(openPdf(input).chain?.startxref);
    expect(again.revisions).toHaveLength(2);
    expect(readNote(out)).toBe('xin chào');
    if (hasQpdf) expect(qpdfCheck(tempFile('classic-upd.pdf', out)).ok).toBe(true);
  });

  test('when an xref-stream file is updated, then the new section is an xref stream', async () => {
    const input = await makePdf(3, true);
    const { out } = addNote(input, 'note');
    expect(out.subarray(0, input.length).equals(input)).toBe(true);
    expect(openPdf(out).chain?.sections[0].kind).toBe('stream');
    expect(readNote(out)).toBe('note');
    if (hasQpdf) expect(qpdfCheck(tempFile('stream-upd.pdf', out)).ok).toBe(true);
  });

  test('when a hybrid file and a /Prev chain are updated, then qpdf still accepts them', () => {
    for (const f of ['qpdf/hybrid-xref.pdf', 'qpdf/incremental-3.pdf']) {
      const input = corpus(f);
      const { out } = addNote(input, f);
      expect(out.subarray(0, input.length).equals(input)).toBe(true);
      expect(readNote(out)).toBe(f);
      if (hasQpdf) expect(qpdfCheck(tempFile(`upd-${f.replace('/', '-')}`, out))).toMatchObject({ ok: true });
    }
  });

  test('when the input does not end with an end-of-line, then the update starts with one', async () => {
    const full = await makePdf(1);
    let end = full.length;
    while (full[end - 1] === 0x0a || full[end - 1] === 0x0d) end--;
    const trimmed = full.subarray(0, end);
    const { out } = addNote(Buffer.from(trimmed), 'eol');
    expect(out[trimmed.length]).toBe(0x0a);
    expect(readNote(out)).toBe('eol');
  });

  test('when the file had to be repaired, then the update carries a full cross-reference section', async () => {
    const good = await makePdf(2);
    const broken = Buffer.from(good.toString('latin1').replace(/startxref\n\d+/, 'startxref\n99'), 'latin1');
    const { out } = addNote(broken, 'repaired');
    const again = openPdf(out);
    expect(again.repaired).toBe(false);
    expect(again.chain?.sections).toHaveLength(1);
    expect(again.chain?.sections[0].trailer.has('Prev')).toBe(false);
    expect(readNote(out)).toBe('repaired');
    if (hasQpdf) expect(qpdfCheck(tempFile('repaired-upd.pdf', out)).ok).toBe(true);
  });

  (hasQpdf ? test : test.skip)('when an AES-256 file is updated, then new strings and streams are encrypted and qpdf reads them', async () => {
    const src = tempFile('w-plain.pdf', await makePdf(1));
    const enc = tempFile('w-enc.pdf', Buffer.alloc(0));
    execFileSync('qpdf', ['--encrypt', '', 'owner', '256', '--', src, enc]);
    const input = readFileSync(enc);
    const { out, num } = addNote(input, 'bí mật');
    expect(out.includes(Buffer.from('/Note'))).toBe(true);
    expect(out.subarray(input.length).includes(Buffer.from('q Q'))).toBe(false);
    expect(readNote(out)).toBe('bí mật');
    const p = tempFile('w-enc-upd.pdf', out);
    expect(qpdfCheck(p).ok).toBe(true);
    expect(execFileSync('qpdf', [p, `--show-object=${num}`], { encoding: 'utf8' })).toContain('feff');
  });
});

describe('incremental writer, cross-reference stream of a small update', () => {
  test('when a few objects are appended to an xref-stream file, then the new xref stream is stored unfiltered and reads back', async () => {
    const input = await makePdf(2, true);
    const { out } = addNote(input, 'small');
    const again = openPdf(out);
    expect(again.chain?.sections[0].kind).toBe('stream');
    expect(again.chain?.sections[0].trailer.has('Filter')).toBe(false);
    expect(readNote(out)).toBe('small');
    if (hasQpdf) expect(qpdfCheck(tempFile('stream-upd-plain.pdf', out)).ok).toBe(true);
  });
});
