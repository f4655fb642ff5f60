/**
 * A tokenizer for page content streams (ISO 32000-1 §7.8.2): operands are collected until an
 * operator keyword, and each operator is reported with its operands. Only what text extraction
 * needs is modelled (numbers, names, strings, arrays); dictionaries are read as empty arrays and
 * inline images (BI … ID <binary> EI, §8.9.7) are stepped over so their bytes are not read as
 * operators.
 *
 * {@link scanContent} reports the operands in reused typed arrays, without an object per
 * operand: anchor search lexes a whole page per signature, and allocating operand arrays,
 * boxed numbers and string copies was a large part of it. {@link lexContent} gives them as
 * values for callers that want them.
 */

import * as operands from './content-operands';
import { Operands } from './content-operands';

export { CLOSE, NAME, NUMBER, OPEN, Operands, PAD, STRING } from './content-operands';

/** An operand: number, name (without slash), string bytes, or array of operands. */
export type Operand = number | { name: string } | Uint8Array | Operand[];

// local bindings: compiled to CommonJS (tsx), every use of an imported binding is a getter
// call, and these are used per token
const { NUMBER, NAME, STRING, OPEN, CLOSE } = operands;

// byte classes as lookup tables (a Set lookup per byte dominated the cost of anchor search)
const WS_TABLE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WS_TABLE[c] = 1;
const REGULAR = new Uint8Array(256).fill(1);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) REGULAR[c] = 0;

/** Where the token last scanned by {@link numberToken} ends (an out parameter: no object per token). */
let tokenEnd = 0;

/**
 * Scans the regular-character token at i (§7.2.2) and parses it as a number (§7.3.3) in the same
 * pass, without making a string; NaN when it is not one (an operator keyword). The token ends at
 * `tokenEnd`.
 */
function numberToken(s: Uint8Array, i: number, end: number): number {
  let k = i, neg = false;
  if (s[k] === 0x2b || s[k] === 0x2d) { neg = s[k] === 0x2d; k++; }
  let v = 0, digits = 0, scale = 0;
  for (; k < end; k++) {
    const c = s[k];
    if (c >= 0x30 && c <= 0x39) { v = v * 10 + (c - 0x30); digits++; if (scale) scale *= 10; }
    else if (c === 0x2e && !scale) scale = 1;
    else break;
  }
  if (k < end && REGULAR[s[k]] === 1) {
    while (k < end && REGULAR[s[k]] === 1) k++;
    tokenEnd = k;
    return NaN;
  }
  tokenEnd = k;
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

/**
 * Decodes the hexadecimal string whose digits start at s[from] into the scratch: white space
 * skipped, an odd digit count padded with 0 (§7.3.4.3). Returns the index of the closing >
 * (s.length when missing), found in the same pass.
 */
function hexString(s: Uint8Array, from: number, ops: Operands): number {
  const end = s.length;
  let out = ops.scratch, start = ops.scratchEnd;
  let n = start, hi = -1, k = from;
  for (; k < end; k++) {
    const c = s[k];
    if (c === 0x3e) break;
    const v = HEX[c];
    if (v < 0) continue;
    if (hi < 0) { hi = v; continue; }
    if (n === out.length) { ops.scratchEnd = n; ops.reserve(1); out = ops.scratch; }
    out[n++] = (hi << 4) | v;
    hi = -1;
  }
  if (hi >= 0) {
    if (n === out.length) { ops.scratchEnd = n; ops.reserve(1); out = ops.scratch; }
    out[n++] = hi << 4;
  }
  ops.scratchEnd = n;
  ops.add(STRING, start, n, 1);
  return k;
}

/** Decodes the literal string whose bytes start at s[i] (after the parenthesis) into the scratch (§7.3.4.2); returns the index after it. */
function literalString(s: Uint8Array, i: number, ops: Operands): number {
  const n = s.length;
  // the decoded string is never longer than its source
  let close = i, depth = 1;
  for (; close < n && depth > 0; close++) {
    if (s[close] === 0x5c) close++;
    else if (s[close] === 0x28) depth++;
    else if (s[close] === 0x29) depth--;
  }
  ops.reserve(close - i);
  const out = ops.scratch, start = ops.scratchEnd;
  let len = start;
  depth = 1;
  while (i < n && depth > 0) {
    const b = s[i++];
    if (b === 0x5c) {
      const e = s[i++];
      if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let k = 0; k < 2 && s[i] >= 0x30 && s[i] <= 0x37; k++) v = v * 8 + (s[i++] - 0x30);
        out[len++] = v & 0xff;
      } else if (e === 0x0d) { if (s[i] === 0x0a) i++; }
      else if (e !== 0x0a) out[len++] = ESCAPES[e] ?? e; // a trailing backslash gives a 0 byte, as before
    } else {
      if (b === 0x28) depth++;
      if (b === 0x29 && --depth === 0) break;
      out[len++] = b;
    }
  }
  ops.scratchEnd = len;
  ops.add(STRING, start, len, 1);
  return i;
}

/**
 * Operator names by their bytes, as string literals (interned: `switch` compares them by
 * identity). Keywords of one or two ASCII bytes are found by direct index (a Map lookup per
 * operator was a tenth of lexing), the few of three by a short search.
 */
const OPERATORS = [
  'b', 'B', 'b*', 'B*', 'BDC', 'BI', 'BMC', 'BT', 'BX', 'c', 'cm', 'CS', 'cs', 'd', 'd0', 'd1', 'Do', 'DP', 'EI', 'EMC', 'ET',
  'EX', 'f', 'F', 'f*', 'G', 'g', 'gs', 'h', 'i', 'ID', 'j', 'J', 'K', 'k', 'l', 'm', 'M', 'MP', 'n', 'q', 'Q', 're', 'RG',
  'rg', 'ri', 's', 'S', 'SC', 'sc', 'SCN', 'scn', 'sh', 'T*', 'Tc', 'Td', 'TD', 'Tf', 'Tj', 'TJ', 'TL', 'Tm', 'Tr', 'Ts', 'Tw',
  'Tz', 'v', 'w', 'W', 'W*', 'y', "'", '"',
];
/** 1 + index in OPERATORS, at b (one byte) or 128 + (b0 << 7 | b1) (two bytes), 0 when none. */
const SHORT_OPS = new Uint8Array(128 + 128 * 128);
const LONG_OPS = OPERATORS.filter((op) => op.length === 3);
OPERATORS.forEach((op, k) => {
  if (op.length === 1) SHORT_OPS[op.charCodeAt(0)] = k + 1;
  else if (op.length === 2) SHORT_OPS[128 + ((op.charCodeAt(0) << 7) | op.charCodeAt(1))] = k + 1;
});

/** The operator keyword in s[i, j) as a string, interned for the standard keywords (§A.2). */
function operatorAt(s: Buffer, i: number, j: number): string {
  const b0 = s[i], b1 = s[i + 1];
  let k = 0;
  if (j - i === 1 && b0 < 128) k = SHORT_OPS[b0];
  else if (j - i === 2 && (b0 | b1) < 128) k = SHORT_OPS[128 + ((b0 << 7) | b1)];
  else if (j - i === 3) {
    for (const op of LONG_OPS) if (op.charCodeAt(0) === b0 && op.charCodeAt(1) === b1 && op.charCodeAt(2) === s[i + 2]) return op;
  }
  return k ? OPERATORS[k - 1] : s.toString('latin1', i, j);
}

/**
 * Calls `onOp(operator, operands)` for every operator in the content stream. An operator met
 * inside an unclosed array (malformed) takes the operands of the innermost one; those before
 * the outermost unclosed array stay for the next operator.
 */
export function scanContent(bytes: Uint8Array, onOp: (op: string, ops: Operands) => void): void {
  // a Buffer view (no copy) decodes names and unknown keywords
  const s = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const ops = new Operands(s);
  const opens: number[] = []; // operand indices of the unclosed OPENs
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s[i];
    // numbers and operators first: most tokens are
    if (REGULAR[c] === 1) {
      const v = numberToken(s, i, n);
      const j = tokenEnd;
      if (v === v) { // not NaN; stored after add() (which may replace the arrays), not passed to it (boxed)
        const k = ops.end;
        ops.add(NUMBER, 0, 0, 0);
        ops.num[k] = v;
        i = j;
        continue;
      }
      const word = operatorAt(s, i, j);
      i = j;
      if (word === 'ID') {
        // inline image data runs to "EI" preceded by white space and followed by white space or the end
        let k = i + 1;
        while (k < n && !(WS_TABLE[s[k - 1]] === 1 && s[k] === 0x45 && s[k + 1] === 0x49 && (k + 2 >= n || WS_TABLE[s[k + 2]] === 1))) k++;
        i = k + 2;
        ops.truncate(0);
        if (opens.length) opens.length = 0;
      } else {
        ops.first = opens.length ? opens[opens.length - 1] + 1 : 0;
        onOp(word, ops);
        ops.first = 0;
        // (the length setter is a runtime call even when nothing changes: a tenth of lexing)
        if (opens.length) { ops.truncate(opens[0]); opens.length = 0; }
        else ops.truncate(0);
      }
      if (ops.end === 0) ops.scratchEnd = 0;
      continue;
    }
    if (WS_TABLE[c] === 1) { i++; continue; }
    if (c === 0x25) { while (i < n && s[i] !== 0x0a && s[i] !== 0x0d) i++; continue; }
    if (c === 0x2f) {
      let j = i + 1;
      while (j < n && REGULAR[s[j]] === 1) j++;
      ops.add(NAME, i + 1, j, 0);
      i = j;
    } else if (c === 0x28) {
      const plain = plainStringEnd(s, i + 1);
      if (plain >= 0) { ops.add(STRING, i + 1, plain, 0); i = plain + 1; }
      else i = literalString(s, i + 1, ops);
    } else if (c === 0x3c && s[i + 1] === 0x3c) {
      // dictionary operand (e.g. BDC properties): skipped to the matching >>, an empty array
      let depth = 0;
      while (i < n) {
        if (s[i] === 0x3c && s[i + 1] === 0x3c) { depth++; i += 2; }
        else if (s[i] === 0x3e && s[i + 1] === 0x3e) { depth--; i += 2; if (depth === 0) break; }
        else i++;
      }
      ops.add(OPEN, 0, 0, 0); ops.add(CLOSE, 0, 0, 0);
    } else if (c === 0x3c) {
      i = hexString(s, i + 1, ops) + 1;
    } else if (c === 0x5b) { opens.push(ops.end); ops.add(OPEN, 0, 0, 0); i++; }
    else if (c === 0x5d) {
      if (opens.length) opens.pop(); else ops.add(OPEN, 0, 0, 0); // a stray ] was an empty array
      ops.add(CLOSE, 0, 0, 0);
      i++;
    } else i++; // > ) { } out of place
  }
}

/**
 * Calls `onOp(operator, operands)` for every operator with its operands as values. The
 * operands array is reused for the next operator: `onOp` must not keep it past its return,
 * though it may keep the operands themselves.
 */
export function lexContent(bytes: Uint8Array, onOp: (op: string, args: Operand[]) => void): void {
  const args: Operand[] = [];
  const parents: Operand[][] = [];
  scanContent(bytes, (op, ops) => {
    let top = args;
    for (let k = ops.first; k < ops.end; k++) {
      switch (ops.kind[k]) {
        case NUMBER: top.push(ops.num[k]); break;
        case NAME: top.push({ name: ops.content.toString('latin1', ops.from[k], ops.to[k]) }); break;
        case STRING: top.push(ops.decoded[k] ? ops.scratch.slice(ops.from[k], ops.to[k]) : bytes.subarray(ops.from[k], ops.to[k])); break;
        case OPEN: parents.push(top); top = []; break;
        default: { const arr = top; top = parents.pop() ?? args; top.push(arr); }
      }
    }
    onOp(op, args);
    while (args.length) args.pop();
  });
}
