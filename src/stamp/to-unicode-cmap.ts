/**
 * The ToUnicode CMap program of a font (ISO 32000-1 §9.10.3, the CMap syntax of Adobe TN 5014 /
 * 5411): codespacerange, bfchar and bfrange sections. A hand-written scanner: the regular
 * expressions it replaces (kept in the comments of each matcher) were a quarter of an anchor
 * search, whose fonts are rebuilt for every document. It accepts exactly what they accepted:
 * sections are found by their begin/end keywords, entries are matched anywhere in a section and
 * anything else is skipped.
 */

/** The parsed CMap: codespace ranges, single codes and base-destination ranges. */
export interface CMapData {
  ranges: { bytes: number; lo: number; hi: number }[];
  map: Map<number, string>;
  /** bfrange entries with a base destination, kept as ranges (a 0000-FFFF range is common). */
  spans: { lo: number; hi: number; prefix: string; last: number }[];
}

const HEX = new Int8Array(256).fill(-1);
for (let k = 0; k < 16; k++) {
  HEX['0123456789abcdef'.charCodeAt(k)] = k;
  HEX['0123456789ABCDEF'.charCodeAt(k)] = k;
}
// what the replaced expressions' \s matched in a Latin-1 string (ECMA-262 WhiteSpace and LineTerminator)
const SPACE = new Uint8Array(256);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]) SPACE[c] = 1;

const hexDigit = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c < 256 ? HEX[c] : -1;
};

function skipSpace(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 256 || !SPACE[c]) break;
    i++;
  }
  return i;
}

/** `<[0-9a-fA-F]+>` (or `*` when `empty`) at i: the index after `>`, else -1; the digits are [i + 1, result - 1). */
function hexAt(s: string, i: number, end: number, empty: boolean): number {
  if (i >= end || s.charCodeAt(i) !== 0x3c) return -1;
  let k = i + 1;
  while (k < end && hexDigit(s, k) >= 0) k++;
  if (k >= end || s.charCodeAt(k) !== 0x3e || (!empty && k === i + 1)) return -1;
  return k + 1;
}

/** parseInt(s.slice(from, to), 16) without the substring (exact up to 13 digits, 2^52). */
function hexValue(s: string, from: number, to: number): number {
  if (to - from > 13) return parseInt(s.slice(from, to), 16);
  let v = 0;
  for (let k = from; k < to; k++) v = v * 16 + hexDigit(s, k);
  return v;
}

/**
 * UTF-16BE given as hex digits s[from, to), padded on the left to whole code units (a bfchar
 * destination, §9.10.3). Code units are taken as they are, lone surrogates included, as
 * Buffer's UTF-16 decoding did.
 */
export function utf16(s: string, from = 0, to = s.length): string {
  const n = to - from;
  if (n === 4) return String.fromCharCode(hexValue(s, from, to));
  if (n === 0) return '';
  let text = '';
  let k = from;
  let unit = 0, digits = (4 - (n % 4)) % 4; // the left padding counts as leading zero digits
  for (; k < to; k++) {
    unit = unit * 16 + hexDigit(s, k);
    if (++digits === 4) { text += String.fromCharCode(unit); unit = 0; digits = 0; }
  }
  return text;
}

/** Calls `each(from, to)` for the body of every `begin${name}` … `end${name}` (lazy, like [\s\S]*?). */
function sections(s: string, name: string, each: (from: number, to: number) => void): void {
  const begin = 'begin' + name, end = 'end' + name;
  for (let at = s.indexOf(begin); at >= 0; ) {
    const from = at + begin.length;
    const to = s.indexOf(end, from);
    if (to < 0) return;
    each(from, to);
    at = s.indexOf(begin, to + end.length);
  }
}

/**
 * Calls `each` for every match of `<h1>\s*<h2>` (and, with `third`, `\s*(<h3*>|\[[^\]]*\])`) in
 * s[from, to), scanning like a global regular expression: on a failed match the next `<` is tried.
 * The positions passed are those of the digits (h3: of the whole `<…>` or `[…]`).
 */
function entries(s: string, from: number, to: number, secondEmpty: boolean, third: boolean,
  each: (a: number, aEnd: number, b: number, bEnd: number, c: number, cEnd: number) => void): void {
  for (let p = s.indexOf('<', from); p >= 0 && p < to; ) {
    const a = hexAt(s, p, to, false);
    const q = a < 0 ? -1 : skipSpace(s, a, to);
    const b = q < 0 ? -1 : hexAt(s, q, to, secondEmpty);
    let c = -1, r = -1;
    if (b >= 0 && third) {
      r = skipSpace(s, b, to);
      if (r < to && s.charCodeAt(r) === 0x5b) { const close = s.indexOf(']', r); c = close >= 0 && close < to ? close + 1 : -1; }
      else c = hexAt(s, r, to, true);
    }
    if (b < 0 || (third && c < 0)) { p = s.indexOf('<', p + 1); continue; }
    each(p + 1, a - 1, q + 1, b - 1, r, c);
    p = s.indexOf('<', third ? c : b);
  }
}

/** Parses a ToUnicode CMap program (bfchar, bfrange, codespacerange). */
export function parseToUnicode(text: string): CMapData {
  const ranges: CMapData['ranges'] = [];
  const map = new Map<number, string>();
  const spans: CMapData['spans'] = [];
  sections(text, 'codespacerange', (from, to) => entries(text, from, to, false, false, (a, aEnd, b, bEnd) => {
    ranges.push({ bytes: (aEnd - a) / 2, lo: hexValue(text, a, aEnd), hi: hexValue(text, b, bEnd) });
  }));
  sections(text, 'bfchar', (from, to) => entries(text, from, to, true, false, (a, aEnd, b, bEnd) => {
    map.set(hexValue(text, a, aEnd), utf16(text, b, bEnd));
  }));
  sections(text, 'bfrange', (from, to) => entries(text, from, to, false, true, (a, aEnd, b, bEnd, c, cEnd) => {
    const lo = hexValue(text, a, aEnd), hi = hexValue(text, b, bEnd);
    if (hi - lo > 0xffff) return;
    if (text.charCodeAt(c) === 0x5b) {
      // an array of destinations, one per code (§9.10.3): every <hex*> inside the brackets
      let k = 0;
      for (let p = text.indexOf('<', c); p >= 0 && p < cEnd; p = text.indexOf('<', p + 1)) {
        const e = hexAt(text, p, cEnd, true);
        if (e < 0) continue;
        map.set(lo + k++, utf16(text, p + 1, e - 1));
        p = e - 1;
      }
    } else {
      const base = text.slice(c + 1, cEnd - 1);
      spans.push({ lo, hi, prefix: base.slice(0, -4), last: parseInt(base.slice(-4) || '0', 16) });
    }
  }));
  return { ranges, map, spans };
}

/** The Unicode text of `code`, or undefined when the CMap does not map it (spans are cached into the map). */
export function lookup(cmap: CMapData, code: number): string | undefined {
  const hit = cmap.map.get(code);
  if (hit !== undefined) return hit;
  const s = cmap.spans.find((r) => code >= r.lo && code <= r.hi);
  if (!s) return undefined;
  const v = s.last + code - s.lo;
  // the destination's last code unit increments (§9.10.3); alone and within 16 bits, it is the text
  const text = s.prefix === '' && v <= 0xffff ? String.fromCharCode(v) : utf16(s.prefix + v.toString(16).padStart(4, '0'));
  cmap.map.set(code, text);
  return text;
}
