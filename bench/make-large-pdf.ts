/**
 * Synthetic large PDFs for benchmarks: `pages` pages, each painting an uncompressed grey image of
 * `bytesPerPage` random bytes, with a classic cross-reference table. Deterministic for a seed.
 */
import { createHash } from 'node:crypto';

/** Builds the PDF bytes. */
export function makeLargePdf(pages: number, bytesPerPage: number): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  const obj = (num: number, body: string | Buffer[]) => {
    offsets[num] = length;
    if (typeof body === 'string') push(`${num} 0 obj\n${body}\nendobj\n`);
    else {
      push(`${num} 0 obj\n`);
      body.forEach(push);
      push('\nendobj\n');
    }
  };
  push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const side = Math.floor(Math.sqrt(bytesPerPage));
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) kids.push(`${3 + i * 3} 0 R`);
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, `<< /Type /Pages /Count ${pages} /Kids [${kids.join(' ')}] >>`);
  let seed = createHash('sha256').update('kyso-bench').digest();
  for (let i = 0; i < pages; i++) {
    const page = 3 + i * 3;
    const content = `q 500 0 0 700 50 70 cm /Im0 Do Q BT /F1 12 Tf 50 40 Td (Page ${i + 1}) Tj ET`;
    obj(page, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${page + 1} 0 R /Resources << /XObject << /Im0 ${page + 2} 0 R >> /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>`);
    obj(page + 1, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    const img = Buffer.allocUnsafe(side * side);
    for (let o = 0; o < img.length; o += 32) {
      seed = createHash('sha256').update(seed).digest();
      seed.copy(img, o, 0, Math.min(32, img.length - o));
    }
    obj(page + 2, [
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${img.length} >>\nstream\n`, 'latin1'),
      img,
      Buffer.from('\nendstream', 'latin1'),
    ]);
  }
  const size = 3 + pages * 3;
  const xrefAt = length;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) xref += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  push(xref);
  push(`trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(parts);
}
