import { LimitGuard, name, Parser, PdfDict, PdfStream, PdfString, serializeObject, ByteSink, formatName } from '../../../src/pdf';

function reparse(b: Buffer) {
  return new Parser(b, 0, new LimitGuard()).parseObject();
}

describe('object writer', () => {
  test('when a large all-zero hex string is written, then it is a run of "0" digits that reads back as zeros', () => {
    const out = serializeObject(PdfDict.from({ Contents: new PdfString(Buffer.alloc(5000), true, true) }));
    expect(out.toString('latin1')).toBe(`<</Contents <${'0'.repeat(10000)}>>>`);
    const back = (reparse(out) as PdfDict).get('Contents') as PdfString;
    expect(Buffer.from(back.bytes).equals(Buffer.alloc(5000))).toBe(true);
  });

  test('when a large hex string is not all zeros, then every byte is written as two digits', () => {
    const bytes = Buffer.alloc(3000);
    bytes[2999] = 0xab;
    const out = serializeObject(new PdfString(bytes, true)).toString('latin1');
    expect(out).toBe(`<${'00'.repeat(2999)}ab>`);
  });

  test('when names hold delimiters, spaces, # or non-ASCII, then they are escaped, and repeated names stay equal', () => {
    expect(formatName('A B#(x)')).toBe('/A#20B#23#28x#29');
    expect(formatName('Tinos-Bold')).toBe('/Tinos-Bold');
    expect(formatName('Tinos-Bold')).toBe('/Tinos-Bold');
    expect(formatName('\u00e9')).toBe('/#e9');
  });

  test('when a stream is written, then /Length is the data length whether it was absent, stale or present', () => {
    const absent = serializeObject(new PdfStream(PdfDict.from({ Type: name('X') }), Buffer.from('abc'))).toString('latin1');
    expect(absent).toBe('<</Type /X/Length 3>>\nstream\nabc\nendstream');
    const stale = serializeObject(new PdfStream(PdfDict.from({ Length: 99, Type: name('X') }), Buffer.from('abcd'))).toString('latin1');
    expect(stale).toBe('<</Length 4/Type /X>>\nstream\nabcd\nendstream');
  });

  test('when text, bytes and fill runs are mixed in a sink, then they are joined in order with the tracked length', () => {
    const sink = new ByteSink();
    sink.text('ab');
    sink.bytes(Buffer.from([0x43, 0x44]));
    sink.fill(0x30, 3);
    sink.text('z');
    expect(sink.length).toBe(8);
    expect(sink.toBuffer().toString('latin1')).toBe('abCD000z');
    const target = Buffer.alloc(10, 0x2e);
    expect(sink.writeTo(target, 1)).toBe(9);
    expect(target.toString('latin1')).toBe('.abCD000z.');
  });
});

describe('object writer, placeholders larger than the zero chunk', () => {
  test('when a 200 KB placeholder is all zeros except its last byte, then that byte is written', () => {
    const bytes = Buffer.alloc(200_000);
    expect(serializeObject(new PdfString(bytes, true)).toString('latin1')).toBe(`<${'0'.repeat(400_000)}>`);
    bytes[199_999] = 1;
    expect(serializeObject(new PdfString(bytes, true)).toString('latin1').slice(-4)).toBe('001>');
  });
});
