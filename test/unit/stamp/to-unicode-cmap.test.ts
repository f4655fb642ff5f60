import { lookup, parseToUnicode, utf16 } from '../../../src/stamp/to-unicode-cmap';

/** The regular-expression parser the scanner replaced, as the oracle it must agree with. */
function oracle(text: string) {
  const hex16 = (hex: string) => {
    const padded = hex.length % 4 ? hex.padStart(Math.ceil(hex.length / 4) * 4, '0') : hex;
    const b = Buffer.from(padded, 'hex');
    b.swap16();
    return b.toString('utf16le');
  };
  const ranges: { bytes: number; lo: number; hi: number }[] = [];
  const map = new Map<number, string>();
  const spans: { lo: number; hi: number; prefix: string; last: number }[] = [];
  for (const m of text.matchAll(/begincodespacerange([\s\S]*?)endcodespacerange/g)) {
    for (const r of m[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) ranges.push({ bytes: r[1].length / 2, lo: parseInt(r[1], 16), hi: parseInt(r[2], 16) });
  }
  for (const m of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const r of m[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) map.set(parseInt(r[1], 16), hex16(r[2]));
  }
  for (const m of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of m[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const lo = parseInt(r[1], 16), hi = parseInt(r[2], 16);
      if (hi - lo > 0xffff) continue;
      if (r[3].startsWith('[')) [...r[3].matchAll(/<([0-9a-fA-F]*)>/g)].forEach((d, k) => map.set(lo + k, hex16(d[1])));
      else {
        const base = r[3].slice(1, -1);
        spans.push({ lo, hi, prefix: base.slice(0, -4), last: parseInt(base.slice(-4) || '0', 16) });
      }
    }
  }
  return { ranges, map: [...map], spans };
}

const same = (text: string) => {
  const got = parseToUnicode(text);
  expect({ ranges: got.ranges, map: [...got.map], spans: got.spans }).toEqual(oracle(text));
};

describe('ToUnicode CMap scanner', () => {
  it('when entries are well formed, then codes map as the CMap says (§9.10.3)', () => {
    const cmap = parseToUnicode('1 begincodespacerange <0000><ffff> endcodespacerange 2 beginbfchar <0001> <1EE6>\n<0002><D835DC00> endbfchar 1 beginbfrange <0010> <0012> <0041> endbfrange');
    expect(cmap.map.get(1)).toBe('Ủ');
    expect(cmap.map.get(2)).toBe('\u{1D400}');
    expect(lookup(cmap, 0x11)).toBe('B');
    expect(lookup(cmap, 0x13)).toBeUndefined();
  });

  it('when entries are odd, then the scanner agrees with the regular expressions it replaced', () => {
    for (const text of [
      'begincodespacerange <00> <80> <8140> <9ffc> endcodespacerange',
      'beginbfchar <01> <> <02> <41> <0003>\u00a0\u000b<0041> <04> /space <05> <0042 > <06> <123456> endbfchar',
      'beginbfrange <01> <05> [<41> <> <0042> junk <0043] <10> <11> <D83D> <20> <20> <> <30> <31> <00D83DDE00> endbfrange',
      'beginbfrange <0000> <1FFFF> <0041> <AA> <AB> [<41> endbfrange',
      'beginbfchar <01> <41> endbfchar beginbfchar <01> <42> endbfchar beginbfrange <01> <01> [<43>] endbfrange',
      'beginbfchar <01> <41>',
      'begincodespacerange <0000> endcodespacerange beginbfchar <zz> <41> <01><41> endbfchar',
    ]) same(text);
  });

  it('when CMaps are generated at random, then the scanner agrees with the regular expressions', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const hex = () => Array.from({ length: [0, 1, 2, 4, 4, 4, 6, 8][rnd(8)] }, () => '0123456789abcdefABCDEF'[rnd(22)]).join('');
    const junk = () => [' ', '\n', '\t', '\u00a0', ' x ', '/n ', '] ', '<', '>', '['][rnd(10)];
    for (let t = 0; t < 300; t++) {
      let text = '';
      for (let s = 0; s < 3; s++) {
        const kind = ['codespacerange', 'bfchar', 'bfrange'][rnd(3)];
        text += `begin${kind}`;
        for (let e = rnd(6); e > 0; e--) {
          text += `${junk()}<${hex()}>${junk()}<${hex()}>`;
          if (kind === 'bfrange') text += rnd(3) ? `${junk()}<${hex()}>` : `${junk()}[<${hex()}>${junk()}<${hex()}>]`;
        }
        text += rnd(8) ? `end${kind} ` : ' ';
      }
      same(text);
    }
  });

  it('when hex text is not whole code units, then it is padded on the left (UTF-16BE)', () => {
    expect(utf16('41')).toBe('A');
    expect(utf16('004100')).toBe('\u0000\u4100');
    expect(utf16('D800')).toBe('\ud800');
    expect(utf16('')).toBe('');
  });
});
