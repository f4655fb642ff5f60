/**
 * Issue 3, Performance: a value another revision of the same file spanned with equal bytes is
 * reused, not parsed again (a page whose large /Resources each signature's update rewrites). The
 * modification analysis must see exactly what two separate parses would: a change of one byte
 * inside the shared value is still a change.
 */
import { openPdf, PdfDict } from '../../../src/pdf';
import { analyseModifications } from '../../../src/verification/analyse-modifications';
import { openSignedRevision } from '../../../src/verification/open-signed-revision';

const FONTS = Array.from({ length: 40 }, (_, i) => `/F${i} ${i % 2 ? 5 : 6} 0 R`).join(' ');

/** Objects as text, laid out with a classic cross-reference table (ISO 32000-1 7.5.4). */
function section(start: number, objects: Record<number, string>, trailer: string): Buffer {
  let body = '';
  const offsets: Array<[number, number]> = [];
  for (const [n, text] of Object.entries(objects)) {
    offsets.push([Number(n), start + Buffer.byteLength(body, 'latin1')]);
    body += `${n} 0 obj\n${text}\nendobj\n`;
  }
  const xrefAt = start + Buffer.byteLength(body, 'latin1');
  let xref = 'xref\n';
  for (const [n, off] of offsets) xref += `${n} 1\n${String(off).padStart(10, '0')} 00000 n \n`;
  return Buffer.from(`${body}${xref}trailer\n${trailer}\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1');
}

function page(resources: string, annots = ''): string {
  return `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources ${resources} /Contents 4 0 R${annots} >>`;
}

const RESOURCES = `<< /Font << ${FONTS} >> /ProcSet [/PDF /Text] >>`;

function original(): Buffer {
  const head = Buffer.from('%PDF-1.7\n', 'latin1');
  const body = section(head.length, {
    1: '<< /Type /Catalog /Pages 2 0 R >>',
    2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    3: page(RESOURCES),
    4: '<< /Length 0 >>\nstream\n\nendstream',
    5: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    6: '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>',
  }, '<< /Size 7 /Root 1 0 R >>');
  return Buffer.concat([head, body]);
}

/** The original plus an update that rewrites the page with `resources` and adds an annotation. */
function updated(resources: string): { bytes: Buffer; signedEnd: number } {
  const first = original();
  const prev = first.lastIndexOf('\nxref\n') + 1;
  const update = section(first.length, {
    3: page(resources, ' /Annots [7 0 R]'),
    7: '<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (note) >>',
  }, `<< /Size 8 /Root 1 0 R /Prev ${prev} >>`);
  return { bytes: Buffer.concat([first, update]), signedEnd: first.length };
}

function analyse(bytes: Buffer, signedEnd: number) {
  const doc = openPdf(bytes);
  expect(doc.repaired).toBe(false);
  const old = openSignedRevision(doc, signedEnd, {});
  expect(old?.laterNumbers).toEqual([3, 7]);
  const analysis = analyseModifications(old!.doc, doc, old!.laterNumbers);
  return { doc, old: old!.doc, analysis };
}

describe('values shared between revisions', () => {
  test('when an update rewrites a page with the same /Resources and adds an annotation, then the value is reused and the change is ANNOTATIONS', () => {
    const { bytes, signedEnd } = updated(RESOURCES);
    const { doc, old, analysis } = analyse(bytes, signedEnd);
    expect(analysis.level).toBe('ANNOTATIONS');
    expect(analysis.changes.find((c) => c.objectNumber === 3)?.rule).toBe('page-annotations');
    const before = old.getObject(3) as PdfDict;
    const after = doc.getObject(3) as PdfDict;
    expect(after.get('Resources')).toBe(before.get('Resources'));
    const alone = openPdf(bytes.subarray(0, signedEnd)).getObject(3) as PdfDict;
    expect(before.get('Resources')).toEqual(alone.get('Resources'));
    expect(after).toEqual(openPdf(bytes).getObject(3));
  });

  test('when the update changes one font reference inside /Resources, then the page change is OTHER', () => {
    const swapped = RESOURCES.replace('/F1 5 0 R', '/F1 6 0 R');
    expect(swapped).not.toBe(RESOURCES);
    const { bytes, signedEnd } = updated(swapped);
    const { doc, old, analysis } = analyse(bytes, signedEnd);
    expect(analysis.level).toBe('OTHER');
    expect(analysis.changes.find((c) => c.objectNumber === 3)?.rule).toBe('page-changed');
    expect((doc.getObject(3) as PdfDict).get('Resources')).not.toBe((old.getObject(3) as PdfDict).get('Resources'));
  });

  test('when the update appends a key inside /Resources after equal leading bytes, then the page change is OTHER', () => {
    const longer = RESOURCES.replace(' >> /ProcSet', ' /F99 5 0 R >> /ProcSet');
    const { bytes, signedEnd } = updated(longer);
    expect(analyse(bytes, signedEnd).analysis.level).toBe('OTHER');
  });
});
