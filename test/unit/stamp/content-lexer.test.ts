import { lexContent, Operand, Operands, PAD, scanContent } from '../../../src/stamp/content-lexer';

const lex = (text: string) => {
  const out: [string, unknown[]][] = [];
  const plain = (a: Operand): unknown => (a instanceof Uint8Array ? Buffer.from(a).toString('latin1') : Array.isArray(a) ? a.map(plain) : a);
  lexContent(Buffer.from(text, 'latin1'), (op, args) => out.push([op, args.map(plain)]));
  return out;
};

describe('content lexer', () => {
  it('when operands of every kind precede operators, then they are given as values (§7.3)', () => {
    expect(lex('1 -2.5 .5 +3 /F1 (a\\(b\\)\\101\\\ncd) <41 4 2> <414> [1 (x) [2]] << /A << >> >> Tf')).toEqual([
      ['Tf', [1, -2.5, 0.5, 3, { name: 'F1' }, 'a(b)Acd', 'AB', 'A@', [1, 'x', [2]], []]],
    ]);
  });

  it('when an operator comes inside an unclosed array, then it takes that array and the operands before it stay', () => {
    expect(lex('1 2 [3 Tj 4 Tm')).toEqual([['Tj', [3]], ['Tm', [1, 2, 4]]]);
    expect(lex('] Tj')).toEqual([['Tj', [[]]]]);
  });

  it('when a TJ array has more operands than the first buffers hold, then every kerning number survives the growth', () => {
    const parts = Array.from({ length: 100 }, (_, k) => `(a)${-k - 1}`).join('');
    const [[op, args]] = lex(`[${parts}] TJ`);
    expect(op).toBe('TJ');
    const nums = (args[0] as unknown[]).filter((x) => typeof x === 'number');
    expect(nums).toEqual(Array.from({ length: 100 }, (_, k) => -k - 1));
  });

  it('when operands are scanned flat, then numbers read as 0 past the operands and for non-numbers (an operator\'s defaults)', () => {
    const seen: number[][] = [];
    scanContent(Buffer.from('1 2 3 4 5 6 7 8 9 re /F1 12 Tf BT', 'latin1'), (_op, o: Operands) => {
      seen.push(Array.from({ length: PAD }, (_, j) => o.num[o.first + j]));
    });
    expect(seen[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen[1]).toEqual([0, 12, 0, 0, 0, 0, 0, 0]);
    expect(seen[2]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('when the content is a plain Uint8Array, then it lexes as a Buffer does', () => {
    const text = '/F1 9 Tf (x) Tj <0041> Tj';
    const fromBuffer = lex(text);
    const out: string[] = [];
    lexContent(new Uint8Array(Buffer.from(text, 'latin1')), (op, args) => out.push(op + args.length));
    expect(out).toEqual(fromBuffer.map(([op, args]) => op + args.length));
  });
});
