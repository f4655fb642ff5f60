import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncrementalWriter, listSignatureFields, name, openPdf, PageTree, PdfDict, PdfStream } from '../../../src/pdf';
import {
  digestByteRange,
  embedSignature,
  fillSignature,
  prepareSignature,
  PrepareSignatureOptions,
  PreparedSignature,
} from '../../../src/signing/prepare-signature';
import { requireTool } from '../../helpers/require-tool';
import { corpus, makePdf, qpdfCheck, tempFile, workDir } from '../pdf/pdf-test-kit';

const hasTools = requireTool('openssl', 'openssl') && requireTool('pdfsig', 'poppler-utils') && requireTool('qpdf', 'qpdf');
const key = join(workDir, 'key.pem');
const cert = join(workDir, 'cert.pem');

beforeAll(() => {
  if (hasTools && !existsSync(cert)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kyso test signer', '-keyout', key, '-out', cert, '-days', '2'], { stdio: 'ignore' });
  }
});

const base: PrepareSignatureOptions = {
  subFilter: 'adbe.pkcs7.detached',
  contentsSize: 8192,
  signingTime: new Date('2025-03-04T05:06:07Z'),
  reason: 'Phê duyệt',
  location: 'UBND huyện Cần Giuộc',
};

/** A real detached CMS over the byte ranges, made by openssl (the CMS module is not ours). */
function signWithOpenssl(prepared: PreparedSignature): Buffer {
  const [a, b, c, d] = prepared.byteRange;
  const data = tempFile('tbs.bin', Buffer.concat([prepared.bytes.subarray(a, a + b), prepared.bytes.subarray(c, c + d)]));
  const out = join(workDir, 'sig.der');
  execFileSync('openssl', ['cms', '-sign', '-binary', '-in', data, '-signer', cert, '-inkey', key, '-outform', 'DER', '-out', out]);
  return readFileSync(out);
}

function signAll(input: Buffer, opts: Partial<PrepareSignatureOptions> = {}): Buffer {
  const prepared = prepareSignature(openPdf(input), { ...base, ...opts });
  return embedSignature(prepared, signWithOpenssl(prepared));
}

function pdfsig(bytes: Buffer, label: string): string {
  return execFileSync('pdfsig', ['-nocert', tempFile(label, bytes)], { encoding: 'utf8' });
}

describe('prepareSignature without external tools', () => {
  test('when a placeholder is prepared, then the ByteRange gap is exactly the /Contents string', async () => {
    const input = await makePdf(1);
    const p = prepareSignature(openPdf(input), base);
    expect(p.bytes.subarray(0, input.length).equals(input)).toBe(true);
    const [a, b, c, d] = p.byteRange;
    expect(a).toBe(0);
    expect(p.bytes[b]).toBe(0x3c);
    expect(p.bytes[c - 1]).toBe(0x3e);
    expect(c - b).toBe(p.contentsHexLength + 2);
    expect(c + d).toBe(p.bytes.length);
    expect(p.bytes.toString('latin1', b - 10, b)).toBe('/Contents ');
    expect(p.bytes.toString('latin1')).toContain(`/ByteRange [0 ${b} ${c} ${d}`);
    expect(p.fieldName).toBe('Signature1');
    expect(p.bytes.toString('latin1')).toContain("/M (D:20250304120607+07'00')");
  });

  test('when a placeholder is prepared, then the output is the input itself (not a copy) plus an appended tail holding both placeholders', async () => {
    const input = await makePdf(1);
    const p = prepareSignature(openPdf(input), base);
    expect(p.parts[0]).toBe(input);
    expect(p.base).toBe(input);
    expect(p.parts[1]).toBe(p.tail);
    expect(p.totalLength).toBe(input.length + p.tail.length);
    expect(p.contentsOffset).toBeGreaterThan(input.length);
    expect(p.tail.toString('latin1')).toContain(`/ByteRange [0 ${p.byteRange[1]} ${p.byteRange[2]} ${p.byteRange[3]}`);
    expect(p.bytes.equals(Buffer.concat([input, p.tail]))).toBe(true);
  });

  test('when the signature is filled in, then only the tail changes and the joined bytes carry it', async () => {
    const input = await makePdf(1);
    const copy = Buffer.from(input);
    const p = prepareSignature(openPdf(input), { ...base, contentsSize: 100 });
    fillSignature(p, Buffer.from([0xde, 0xad]));
    expect(input.equals(copy)).toBe(true);
    const at = p.contentsOffset - input.length;
    expect(p.tail.toString('latin1', at, at + 6)).toBe('<dead0');
    expect(p.bytes.toString('latin1', p.contentsOffset, p.contentsOffset + 6)).toBe('<dead0');
    fillSignature(p, Buffer.from([0x01]));
    expect(p.tail.toString('latin1', at, at + 6)).toBe('<01000');
  });

  test('when the ranges are digested, then the hash equals the hash of their concatenation', async () => {
    const p = prepareSignature(openPdf(await makePdf(1)), base);
    const [a, b, c, d] = p.byteRange;
    const expected = createHash('sha384').update(Buffer.concat([p.bytes.subarray(a, b), p.bytes.subarray(c, c + d)])).digest();
    expect(digestByteRange(p, 'sha384').equals(expected)).toBe(true);
  });

  test('when the CMS is larger than the room reserved, then SIGN_PLACEHOLDER_TOO_SMALL', async () => {
    const p = prepareSignature(openPdf(await makePdf(1)), { ...base, contentsSize: 100 });
    expect(() => embedSignature(p, Buffer.alloc(101, 1))).toThrow(expect.objectContaining({ code: 'SIGN_PLACEHOLDER_TOO_SMALL' }));
    const out = embedSignature(p, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]));
    expect(out.toString('latin1', p.contentsOffset, p.contentsOffset + 12)).toBe('<3003020105' + '0'.repeat(1));
  });

  test('when the named field already holds a signature, then PDF_FIELD_EXISTS', () => {
    expect(() => prepareSignature(openPdf(corpus('qpdf/digitally-signed.pdf')), { ...base, fieldName: 'Signature2' })).toThrow(
      expect.objectContaining({ code: 'PDF_FIELD_EXISTS' }),
    );
  });

  test('when the document is certified with P=1, then signing is refused with PDF_DOCMDP_FORBIDS', () => {
    expect(() => prepareSignature(openPdf(corpus('qpdf/minimal-signed-restricted.pdf')), base)).toThrow(
      expect.objectContaining({ code: 'PDF_DOCMDP_FORBIDS' }),
    );
  });

  test('when certification is asked on an already signed document, then it is refused', () => {
    expect(() => prepareSignature(openPdf(corpus('qpdf/digitally-signed.pdf')), { ...base, certify: 2 })).toThrow(
      expect.objectContaining({ code: 'PDF_DOCMDP_FORBIDS' }),
    );
  });

  test('when the page number does not exist, then PDF_PAGE_OUT_OF_RANGE', async () => {
    const doc = openPdf(await makePdf(1));
    expect(() => prepareSignature(doc, { ...base, page: 3 })).toThrow(
      expect.objectContaining({ code: 'PDF_PAGE_OUT_OF_RANGE' }),
    );
  });

  test('when an appearance builder is given, then its form XObject becomes the widget /AP /N', async () => {
    const p = prepareSignature(openPdf(await makePdf(1)), {
      ...base,
      rect: [50, 50, 250, 120],
      appearance: {
        build: (w: IncrementalWriter, ctx) =>
          w.add(new PdfStream(PdfDict.from({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, ctx.rect[2] - ctx.rect[0], 70] }), Buffer.from('0 0 1 rg 0 0 200 70 re f'))),
      },
    });
    const doc = openPdf(p.bytes);
    const [field] = listSignatureFields(doc);
    const ap = doc.get(field.dict.get('AP') as PdfDict, 'N') as PdfStream;
    expect(doc.decodeStream(ap).toString()).toBe('0 0 1 rg 0 0 200 70 re f');
  });
});

const describeTools = hasTools ? describe : describe.skip;

describeTools('prepare + embed judged by pdfsig and qpdf', () => {
  test.each([
    ['pdf-lib classic', () => makePdf(1)],
    ['pdf-lib object streams', () => makePdf(4, true)],
    ['qpdf hybrid', async () => corpus('qpdf/hybrid-xref.pdf')],
    ['qpdf incremental chain', async () => corpus('qpdf/incremental-3.pdf')],
    ['pdf-lib with update sections', async () => corpus('pdf-lib/with_update_sections.pdf')],
  ])('when %s is signed, then pdfsig finds a valid signature over the whole document', async (label, make) => {
    const input = await make();
    const out = signAll(input, { subFilter: 'ETSI.CAdES.detached' });
    expect(out.subarray(0, input.length).equals(input)).toBe(true);
    const report = pdfsig(out, `signed-${label.replace(/ /g, '-')}.pdf`);
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    expect(report).toContain('ETSI.CAdES.detached');
    expect(qpdfCheck(tempFile(`chk-${label.replace(/ /g, '-')}.pdf`, out)).ok).toBe(true);
  });

  test('when a personal then an organisation signature are added, then both stay valid', async () => {
    const input = await makePdf(2);
    const first = signAll(input, { name: 'Nguyễn Văn A' });
    const second = signAll(first, { name: 'UBND huyện Cần Giuộc' });
    expect(second.subarray(0, first.length).equals(first)).toBe(true);
    const report = pdfsig(second, 'two-sigs.pdf');
    expect(report.match(/Signature is Valid/g)).toHaveLength(2);
    expect(report).toContain('Signature2');
  });

  test('when the empty signature field is named, then it is filled', () => {
    const input = corpus('pdf-lib/with_signature.pdf');
    const name = listSignatureFields(openPdf(input))[0].fullName;
    const out = signAll(input, { fieldName: name });
    const fields = listSignatureFields(openPdf(out));
    expect(fields).toHaveLength(1);
    expect(fields[0].isSigned).toBe(true);
    expect(pdfsig(out, 'filled.pdf')).toContain('Signature is Valid');
  });

  test('when a document is certified with P=2, then a later approval signature is allowed and P=1 blocks one', async () => {
    const certified = signAll(await makePdf(1), { certify: 2 });
    const doc = openPdf(certified);
    expect(doc.get(doc.get(doc.catalog, 'Perms') as PdfDict, 'DocMDP')).toBeInstanceOf(PdfDict);
    const both = signAll(certified);
    expect(pdfsig(both, 'certified-then-signed.pdf').match(/Signature is Valid/g)).toHaveLength(2);
    const locked = signAll(await makePdf(1), { certify: 1 });
    expect(() => prepareSignature(openPdf(locked), base)).toThrow(expect.objectContaining({ code: 'PDF_DOCMDP_FORBIDS' }));
  });

  test('when an encrypted (AES-256, empty user password) file is signed, then the signature is valid', async () => {
    const src = tempFile('s-plain.pdf', await makePdf(1));
    const enc = join(workDir, 's-enc.pdf');
    execFileSync('qpdf', ['--encrypt', '', 'owner', '256', '--', src, enc]);
    const input = readFileSync(enc);
    const out = signAll(input);
    expect(pdfsig(out, 'enc-signed.pdf')).toContain('Signature is Valid');
    expect(qpdfCheck(tempFile('enc-signed-chk.pdf', out)).ok).toBe(true);
  });

  test('when the page /Annots is an indirect array, then the widget is added to that array', () => {
    const input = corpus('qpdf/minimal.pdf');
    const doc = openPdf(input);
    const w = new IncrementalWriter(doc);
    const page = new PageTree(doc).page(0);
    const annots = w.add([]);
    const copy = new PdfDict(page.dict);
    copy.set('Annots', annots);
    w.set(page.ref, copy);
    const withIndirect = w.write().bytes;
    const out = signAll(withIndirect);
    const after = openPdf(out);
    expect((after.getObject(annots) as unknown[]).length).toBe(1);
    expect(pdfsig(out, 'indirect-annots.pdf')).toContain('Signature is Valid');
  });
});
