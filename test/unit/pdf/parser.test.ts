import { AppError } from '../../../src/errors';
import { hexStringSource, LimitGuard, Parser, PdfDict, PdfName, PdfReal, PdfRef, PdfStream, PdfString } from '../../../src/pdf';

function parse(text: string | Buffer, limits = {}) {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  return new Parser(buf, 0, new LimitGuard(limits)).parseObject();
}

describe('object parser', () => {
  test('when a literal string nests parentheses and uses escapes, then the bytes are decoded', () => {
    const s = parse('(a(b)c\\)\\n\\101\\7\\\r\nd\re)') as PdfString;
    expect(Buffer.from(s.bytes).toString('latin1')).toBe('a(b)c)\nA\x07d\ne');
    expect(s.hex).toBe(false);
  });

  test('when a hex string has whitespace and an odd digit count, then the last digit is padded with 0', () => {
    const s = parse('<48 65\n6c6C 6f7>') as PdfString;
    expect(Buffer.from(s.bytes)).toEqual(Buffer.from('Hellop', 'latin1'));
    expect(s.hex).toBe(true);
  });

  test('when a hex string has a non-hex character, then it is a PDF_MALFORMED AppError', () => {
    expect(() => parse('<12G4>')).toThrow(expect.objectContaining({ code: 'PDF_MALFORMED' }));
  });

  test('when names contain #xx escapes, then they are decoded and interned', () => {
    const n = parse('/A#20B#23') as PdfName;
    expect(n.name).toBe('A B#');
    expect(n).toBe(PdfName.of('A B#'));
  });

  test('when a dictionary holds refs, reals, comments and nested arrays, then each keeps its type', () => {
    const d = parse('<< /R 12 0 R % comment\n /I 42 /F -1.5 /Z .5 /A [1 2 R 3 0 R] /B true /N null >>') as PdfDict;
    expect(d.get('R')).toEqual(new PdfRef(12, 0));
    expect(d.get('I')).toBe(42);
    expect(d.get('F')).toEqual(new PdfReal(-1.5));
    expect(d.get('Z')).toEqual(new PdfReal(0.5));
    expect(d.get('A')).toEqual([new PdfRef(1, 2), new PdfRef(3, 0)]);
    expect(d.get('B')).toBe(true);
    expect(d.get('N')).toBeNull();
  });

  test('when arrays nest deeper than maxDepth, then PDF_LIMIT_EXCEEDED is thrown', () => {
    const deep = `${'['.repeat(50)}${']'.repeat(50)}`;
    expect(() => parse(deep, { maxDepth: 20 })).toThrow(expect.objectContaining({ code: 'PDF_LIMIT_EXCEEDED' }));
    expect(() => parse(deep, { maxDepth: 60 })).not.toThrow();
  });

  test('when a stream /Length is wrong, then the data ends at endstream', () => {
    const buf = Buffer.from('7 0 obj\n<< /Length 3 >>\nstream\nhello world\nendstream\nendobj\n', 'latin1');
    const { num, obj } = new Parser(buf, 0, new LimitGuard()).parseIndirect();
    expect(num).toBe(7);
    expect(Buffer.from((obj as PdfStream).raw).toString('latin1')).toBe('hello world');
  });

  test('when a stream /Length is indirect, then the resolver supplies it', () => {
    const buf = Buffer.from('7 0 obj\n<< /Length 9 0 R >>\nstream\nab\nendstream x\nendstream\nendobj\n', 'latin1');
    const { obj } = new Parser(buf, 0, new LimitGuard()).parseIndirect(() => 15);
    expect(Buffer.from((obj as PdfStream).raw).toString('latin1')).toBe('ab\nendstream x\n');
  });

  test('when a keyword appears where a value is expected, then the error is an AppError with the offset', () => {
    try {
      parse('<< /A endobj >>');
      throw new Error('not thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).details?.offset).toBeGreaterThan(0);
    }
  });

  test('when numbers are signed, huge, or run into letters, then they read as the lenient reader reads them', () => {
    const a = parse('[+5 -0 -17 12abc 1234567890123456789 --5 1.2.3 4 0 R 5 -1]') as unknown[];
    expect(a[0]).toBe(5);
    expect(Object.is(a[1], -0)).toBe(true);
    expect(a[2]).toBe(-17);
    expect(a[3]).toEqual(new PdfReal(12));
    expect(a[4]).toEqual(new PdfReal(1234567890123456789));
    expect(a[5]).toEqual(new PdfReal(-5));
    expect(a[6]).toEqual(new PdfReal(1.2));
    expect(a[7]).toEqual(new PdfRef(4, 0));
    expect(a.slice(8)).toEqual([5, -1]);
  });

  test('when a dictionary key is not a name, then PDF_MALFORMED', () => {
    expect(() => parse('<< 12 /A >>')).toThrow(expect.objectContaining({ code: 'PDF_MALFORMED' }));
    expect(() => parse('<< /A 1 /B')).toThrow(expect.objectContaining({ code: 'PDF_MALFORMED' }));
  });
});

describe('value spans shared between revisions', () => {
  const guard = new LimitGuard({});
  const FONTS = Array.from({ length: 20 }, (_, i) => `/F${i} ${i} 0 R`).join(' ');

  function read(text: string, reuse?: Map<string, import('../../../src/pdf/parser').ValueSpan>) {
    const p = new Parser(Buffer.from(text, 'latin1'), 0, guard);
    p.reuseSpans = reuse;
    p.recordSpans = new Map();
    const { obj } = p.parseIndirect();
    return { dict: obj as PdfDict, spans: p.recordSpans };
  }

  test('when another revision spanned equal bytes for a value, then that value is reused', () => {
    const first = read(`8 0 obj << /Type /Page /Resources << /Font << ${FONTS} >> >> >> endobj`);
    const second = read(`8 0 obj << /Annots [1 0 R] /Type /Page /Resources << /Font << ${FONTS} >> >> >> endobj`, first.spans);
    expect(second.dict.get('Resources')).toBe(first.dict.get('Resources'));
    expect(second.dict.get('Annots')).toEqual([new PdfRef(1, 0)]);
  });

  test('when one byte of the value differs, then it is parsed afresh', () => {
    const first = read(`8 0 obj << /Resources << /Font << ${FONTS} >> >> >> endobj`);
    const second = read(`8 0 obj << /Resources << /Font << ${FONTS.replace('/F3 3 0 R', '/F3 4 0 R')} >> >> >> endobj`, first.spans);
    const fonts = (second.dict.get('Resources') as PdfDict).get('Font') as PdfDict;
    expect(second.dict.get('Resources')).not.toBe(first.dict.get('Resources'));
    expect(fonts.get('F3')).toEqual(new PdfRef(4, 0));
  });

  test('when a long hex string is a clean run of digits, then its source span is known; with whitespace it is not', () => {
    const digits = 'ab'.repeat(600);
    const clean = parse(`<${digits}>`) as PdfString;
    expect(Buffer.from(clean.bytes)).toEqual(Buffer.from(digits, 'hex'));
    expect(hexStringSource(clean)).toMatchObject({ start: 0, end: digits.length + 2 });
    const spaced = parse(`<${digits.slice(0, 10)} ${digits.slice(10)}>`) as PdfString;
    expect(Buffer.from(spaced.bytes)).toEqual(Buffer.from(digits, 'hex'));
    expect(hexStringSource(spaced)).toBeUndefined();
  });
});
