/**
 * A tokenizer for page content streams (ISO 32000-1 §7.8.2): operands are collected until an
 * operator keyword, and each operator is reported with its operands. Only what text extraction
 * needs is modelled (numbers, names, strings, arrays); dictionaries are skipped and inline
 * images (BI … ID <binary> EI, §8.9.7) are stepped over so their bytes are not read as operators.
 */

/** An operand: number, name (without slash), string bytes, or array of operands. */
export type Operand = number | { name: string } | Uint8Array | Operand[];

// byte classes as lookup tables (a Set lookup per byte dominated the cost of anchor search)
const WS_TABLE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WS_TABLE[c] = 1;
const REGULAR = new Uint8Array(256).fill(1);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) REGULAR[c] = 0;
const WS = { has: (c: number) => WS_TABLE[c] === 1 };

function isRegular(c: number): boolean {
  return REGULAR[c] === 1;
}

/** Parses a number token in s[i, j) without making a string; NaN when it is not one (§7.3.3). */
function numberAt(s: Uint8Array, i: number, j: number): number {
  let k = i, neg = false;
  if (s[k] === 0x2b || s[k] === 0x2d) { neg = s[k] === 0x2d; k++; }
  if (k >= j) return NaN;
  let v = 0, digits = 0, scale = 0;
  for (; k < j; k++) {
    const c = s[k];
    if (c >= 0x30 && c <= 0x39) { v = v * 10 + (c - 0x30); digits++; if (scale) scale *= 10; }
    else if (c === 0x2e && !scale) scale = 1;
    else return NaN;
  }
  if (!digits) return NaN;
  const n = scale ? v / scale : v;
  return neg ? -n : n;
}

const ESCAPES: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };

/** The end (index of the closing parenthesis) of a literal string without escapes or nesting, else -1. */
function plainStringEnd(s: Uint8Array, from: number): number {
  for (let k = from; k < s.length; k++) {
    const b = s[k];
    if (b === 0x29) return k;
    if (b === 0x5c || b === 0x28) return -1;
  }
  return -1;
}

const HEX = new Int8Array(256).fill(-1);
for (let k = 0; k < 16; k++) {
  HEX['0123456789abcdef'.charCodeAt(k)] = k;
  HEX['0123456789ABCDEF'.charCodeAt(k)] = k;
}

/** A hexadecimal string's bytes from s[from, to): white space skipped, an odd digit count padded with 0 (§7.3.4.3). */
function hexString(s: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from + 1) >> 1);
  let n = 0, hi = -1;
  for (let k = from; k < to; k++) {
    const v = HEX[s[k]];
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else { out[n++] = (hi << 4) | v; hi = -1; }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return n === out.length ? out : out.subarray(0, n);
}

/** Operator names by their bytes, as string literals (interned: `switch` compares them by identity). */
const OPERATORS = new Map<number, string>();
const keyOf = (op: string) => [...op].reduce((k, ch) => k * 256 + ch.charCodeAt(0), op.length);
for (const op of [
  'b', 'B', 'b*', 'B*', 'BDC', 'BI', 'BMC', 'BT', 'BX', 'c', 'cm', 'CS', 'cs', 'd', 'd0', 'd1', 'Do', 'DP', 'EI', 'EMC', 'ET',
  'EX', 'f', 'F', 'f*', 'G', 'g', 'gs', 'h', 'i', 'ID', 'j', 'J', 'K', 'k', 'l', 'm', 'M', 'MP', 'n', 'q', 'Q', 're', 'RG',
  'rg', 'ri', 's', 'S', 'SC', 'sc', 'SCN', 'scn', 'sh', 'T*', 'Tc', 'Td', 'TD', 'Tf', 'Tj', 'TJ', 'TL', 'Tm', 'Tr', 'Ts', 'Tw',
  'Tz', 'v', 'w', 'W', 'W*', 'y', "'", '"',
]) OPERATORS.set(keyOf(op), op);

/** The operator keyword in s[i, j) as a string, interned for keywords up to 3 bytes. */
function operatorAt(s: Uint8Array, i: number, j: number): string {
  if (j - i > 3) return Buffer.from(s.buffer, s.byteOffset + i, j - i).toString('latin1');
  let key = j - i;
  for (let k = i; k < j; k++) key = key * 256 + s[k];
  let op = OPERATORS.get(key);
  if (op === undefined) {
    op = Buffer.from(s.buffer, s.byteOffset + i, j - i).toString('latin1');
    OPERATORS.set(key, op);
  }
  return op;
}

/** Calls `onOp(operator, operands)` for every operator in the content stream `s`. */
export function lexContent(s: Uint8Array, onOp: (op: string, args: Operand[]) => void): void {
  let i = 0;
  const stack: Operand[][] = [[]];
  const top = () => stack[stack.length - 1];
  while (i < s.length) {
    const c = s[i];
    if (WS.has(c)) { i++; continue; }
    if (c === 0x25) { while (i < s.length && s[i] !== 0x0a && s[i] !== 0x0d) i++; continue; }
    if (c === 0x2f) {
      let j = i + 1;
      while (j < s.length && isRegular(s[j])) j++;
      top().push({ name: Buffer.from(s.subarray(i + 1, j)).toString('latin1') });
      i = j;
    } else if (c === 0x28) {
      const plain = plainStringEnd(s, i + 1);
      if (plain >= 0) {
        top().push(s.subarray(i + 1, plain));
        i = plain + 1;
        continue;
      }
      const out: number[] = [];
      let depth = 1;
      i++;
      while (i < s.length && depth > 0) {
        const b = s[i++];
        if (b === 0x5c) {
          const e = s[i++];
          if (e >= 0x30 && e <= 0x37) {
            let v = e - 0x30;
            for (let k = 0; k < 2 && s[i] >= 0x30 && s[i] <= 0x37; k++) v = v * 8 + (s[i++] - 0x30);
            out.push(v & 0xff);
          } else if (e === 0x0d) { if (s[i] === 0x0a) i++; }
          else if (e !== 0x0a) out.push(ESCAPES[e] ?? e);
        } else {
          if (b === 0x28) depth++;
          if (b === 0x29 && --depth === 0) break;
          out.push(b);
        }
      }
      top().push(Uint8Array.from(out));
    } else if (c === 0x3c && s[i + 1] === 0x3c) {
      // dictionary operand (e.g. BDC properties): skip to the matching >>
      let depth = 0;
      while (i < s.length) {
        if (s[i] === 0x3c && s[i + 1] === 0x3c) { depth++; i += 2; }
        else if (s[i] === 0x3e && s[i + 1] === 0x3e) { depth--; i += 2; if (depth === 0) break; }
        else i++;
      }
      top().push([]);
    } else if (c === 0x3c) {
      const end = s.indexOf(0x3e, i);
      top().push(hexString(s, i + 1, end < 0 ? s.length : end));
      i = end < 0 ? s.length : end + 1;
    } else if (c === 0x5b) { stack.push([]); i++; }
    else if (c === 0x5d) {
      const arr = stack.length > 1 ? (stack.pop() as Operand[]) : [];
      top().push(arr);
      i++;
    } else if (c === 0x3e || c === 0x29 || c === 0x7b || c === 0x7d) i++;
    else {
      let j = i;
      while (j < s.length && isRegular(s[j])) j++;
      const n = numberAt(s, i, j);
      if (!Number.isNaN(n)) { top().push(n); i = j; continue; }
      const word = operatorAt(s, i, j);
      i = j;
      if (word === 'ID') {
        // inline image data runs to "EI" preceded by white space and followed by white space or the end
        let k = i + 1;
        while (k < s.length && !(WS.has(s[k - 1]) && s[k] === 0x45 && s[k + 1] === 0x49 && (k + 2 >= s.length || WS.has(s[k + 2])))) k++;
        i = k + 2;
        stack.length = 1;
        stack[0] = [];
        continue;
      }
      onOp(word, top().splice(0));
      if (stack.length > 1) stack.length = 1;
    }
  }
}
