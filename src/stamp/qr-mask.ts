/**
 * The data mask of a QR symbol (ISO/IEC 18004:2015 §7.8): of the eight patterns, the one whose
 * masked symbol has the lowest penalty (§7.8.3: N1 runs of five or more like modules, N2 2×2
 * blocks of one colour, N3 1:1:3:1:1 finder-like patterns beside four light modules, N4 the
 * dark proportion), scored exactly as `qrcode`'s getBestMask scores it so that the same mask is
 * chosen. Symbols up to 64 modules wide (versions 1-11, every URL we draw) are scored with each
 * row and column packed into two 32-bit words, runs and patterns found by shifts and masks;
 * larger ones module by module.
 */

/** Data mask condition of pattern p at row i, column j (§7.8.2 Table 10). */
function maskAt(p: number, i: number, j: number): boolean {
  switch (p) {
    case 0: return (i + j) % 2 === 0;
    case 1: return i % 2 === 0;
    case 2: return j % 3 === 0;
    case 3: return (i + j) % 3 === 0;
    case 4: return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5: return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6: return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default: return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

/** The 15 format bits for error correction level M and mask p: BCH(15,5) and the XOR mask (§7.9.1). */
export function formatBits(p: number): number {
  const data = (0b00 << 3) | p; // M is 00 (Table 12)
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((rem >> bit) & 1) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

/** What depends only on the symbol's size (its version), kept for the sizes met (at most 40). */
interface SizeTables {
  /** Bit p set for a module that mask p flips (its condition holds and it is not a function pattern). */
  flips: Uint8Array;
  /** Format bit i is at modules (f[4i], f[4i+1]) and (f[4i+2], f[4i+3]) (§7.9.1 Figure 25, as `qrcode` places it). */
  format: Int32Array;
  /** Up to 64 modules: mask p's flips of row i in rowLo/rowHi[p·size + i], of column j in colLo/colHi. */
  rowLo?: Int32Array; rowHi?: Int32Array; colLo?: Int32Array; colHi?: Int32Array;
  /** The modules inside a line, shifted by k = 0…7: lo at [2k], hi at [2k + 1]. */
  valid?: Int32Array;
}

const tables = new Map<number, SizeTables>();

function tablesFor(size: number, reserved: Uint8Array): SizeTables {
  let t = tables.get(size);
  if (t) return t;
  const flips = new Uint8Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (reserved[i * size + j]) continue;
      for (let p = 0; p < 8; p++) if (maskAt(p, i, j)) flips[i * size + j] |= 1 << p;
    }
  }
  const format = new Int32Array(60);
  for (let i = 0; i < 15; i++) format.set([i < 6 ? i : i < 8 ? i + 1 : size - 15 + i, 8, 8, i < 8 ? size - i - 1 : i < 9 ? 15 - i : 14 - i], 4 * i);
  t = { flips, format };
  if (size <= 64) {
    const [rowLo, rowHi, colLo, colHi] = [0, 0, 0, 0].map(() => new Int32Array(8 * size));
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        for (let p = 0; p < 8; p++) {
          if (!((flips[i * size + j] >> p) & 1)) continue;
          set64(rowLo, rowHi, p * size + i, j, 1);
          set64(colLo, colHi, p * size + j, i, 1);
        }
      }
    }
    const valid = new Int32Array(16);
    const lo = size >= 32 ? -1 : (1 << size) - 1, hi = size >= 64 ? -1 : size > 32 ? (1 << (size - 32)) - 1 : 0;
    for (let k = 0; k < 8; k++) {
      valid[2 * k] = lo << k;
      valid[2 * k + 1] = k ? (hi << k) | (lo >>> (32 - k)) : hi;
    }
    Object.assign(t, { rowLo, rowHi, colLo, colHi, valid });
  }
  tables.set(size, t);
  return t;
}

/** Sets bit `bit` (0-63) of line `line` of a two-word line table to v. */
function set64(lo: Int32Array, hi: Int32Array, line: number, bit: number, v: number): void {
  const a = bit < 32 ? lo : hi, b = bit & 31;
  a[line] = (a[line] & ~(1 << b)) | (v << b);
}

const pop = (v: number) => {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
};

/**
 * N1 + 40·N3 of a line of at most 64 modules (lo: modules 0-31, hi: 32-63); its repeat bits
 * (module c like module c - 1) are left in eq[0], eq[1] for N2. A shift by k moves module c - k
 * to bit c.
 */
function line64(lo: number, hi: number, v: Int32Array, eq: Int32Array): number {
  const x1l = lo << 1, x1h = (hi << 1) | (lo >>> 31), x2l = lo << 2, x2h = (hi << 2) | (lo >>> 30);
  const x3l = lo << 3, x3h = (hi << 3) | (lo >>> 29), x4l = lo << 4, x4h = (hi << 4) | (lo >>> 28);
  const x5l = lo << 5, x5h = (hi << 5) | (lo >>> 27), x6l = lo << 6, x6h = (hi << 6) | (lo >>> 26);
  const el = ~(lo ^ x1l) & v[0] & ~1, eh = ~(hi ^ x1h) & v[1];
  eq[0] = el;
  eq[1] = eh;
  // a run of r ≥ 5 like modules is r - 1 ≥ 4 repeats: r - 4 bits here and one start, 3 + (r - 5) points
  const al = el & (el << 1) & (el << 2) & (el << 3);
  const ah = eh & ((eh << 1) | (el >>> 31)) & ((eh << 2) | (el >>> 30)) & ((eh << 3) | (el >>> 29));
  const sl = al & ~(al << 1), sh = ah & ~((ah << 1) | (al >>> 31));
  // light modules at c - k (inside the line)
  const l0l = ~lo & v[0], l0h = ~hi & v[1], l1l = ~x1l & v[2], l1h = ~x1h & v[3];
  const l2l = ~x2l & v[4], l2h = ~x2h & v[5], l3l = ~x3l & v[6], l3h = ~x3h & v[7];
  const l5l = ~x5l & v[10], l5h = ~x5h & v[11];
  // dark, light, dark ×3, light, dark ending at c; four light ending at c
  const cl = x6l & l5l & x4l & x3l & x2l & l1l & lo, ch = x6h & l5h & x4h & x3h & x2h & l1h & hi;
  const fl = l0l & l1l & l2l & l3l, fh = l0h & l1h & l2h & l3h;
  // the pattern then four light modules, or four light modules then the pattern
  const p1l = (cl << 4) & fl, p1h = ((ch << 4) | (cl >>> 28)) & fh;
  const p2l = cl & (fl << 7), p2h = ch & ((fh << 7) | (fl >>> 25));
  return pop(al) + pop(ah) + 2 * (pop(sl) + pop(sh)) + 40 * (pop(p1l) + pop(p1h) + pop(p2l) + pop(p2h));
}

const dark = (k: number) => Math.abs(Math.ceil(k / 5) - 10) * 10;

/** The penalty of each mask of a symbol up to 64 modules wide given without mask 0. */
function penalties64(u: Uint8Array, size: number, t: SizeTables, out: number[]): void {
  const { rowLo, rowHi, colLo, colHi, valid, format } = t as Required<SizeTables>;
  const rl = new Int32Array(size), rh = new Int32Array(size), cl = new Int32Array(size), ch = new Int32Array(size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) if (u[i * size + j]) { set64(rl, rh, i, j, 1); set64(cl, ch, j, i, 1); }
  const mrl = new Int32Array(size), mrh = new Int32Array(size), mcl = new Int32Array(size), mch = new Int32Array(size);
  const eq = new Int32Array(2);
  for (let p = 0; p < 8; p++) {
    for (let i = 0; i < size; i++) {
      mrl[i] = rl[i] ^ rowLo[p * size + i]; mrh[i] = rh[i] ^ rowHi[p * size + i];
      mcl[i] = cl[i] ^ colLo[p * size + i]; mch[i] = ch[i] ^ colHi[p * size + i];
    }
    const bits = formatBits(p);
    for (let f = 0; f < 60; f += 2) {
      const r = format[f], c = format[f + 1], b = (bits >> (f >> 2)) & 1;
      set64(mrl, mrh, r, c, b);
      set64(mcl, mch, c, r, b);
    }
    let points = 0, darkCount = 0, prevL = 0, prevH = 0;
    for (let i = 0; i < size; i++) {
      points += line64(mrl[i], mrh[i], valid, eq);
      darkCount += pop(mrl[i]) + pop(mrh[i]);
      // N2: both rows repeat their previous module and the rows agree
      if (i > 0) points += 3 * (pop(prevL & eq[0] & ~(mrl[i - 1] ^ mrl[i])) + pop(prevH & eq[1] & ~(mrh[i - 1] ^ mrh[i])));
      prevL = eq[0];
      prevH = eq[1];
      points += line64(mcl[i], mch[i], valid, eq);
    }
    out[p] = points + dark((darkCount * 100) / (size * size));
  }
}

/** 3 at a run's fifth module, 1 at each beyond (N1); 1 for a finder-like 11-module window (N3); 1 for a one-colour 2×2 block (N2). */
const RUN_POINTS = new Uint8Array(178).map((_, len) => (len === 5 ? 3 : len > 5 ? 1 : 0));
const FINDER_LIKE = new Uint8Array(2048).map((_, bits) => (bits === 0x5d0 || bits === 0x05d ? 1 : 0));
const BLOCK = Uint8Array.of(1, 0, 0, 0, 1);

/** The penalty of a masked symbol, module by module (for symbols over 64 modules). */
function penalty(m: Uint8Array, size: number): number {
  let n1 = 0, n2 = 0, n3 = 0, darkCount = 0;
  for (let a = 0; a < size; a++) {
    let runH = 0, lastH = 0, runV = 0, lastV = 0, bitsH = 0, bitsV = 0;
    for (let b = 0; b < size; b++) {
      const h = m[a * size + b], v = m[b * size + a];
      darkCount += h;
      runH = runH * (h ^ lastH ^ 1) + 1; // one more when the module repeats the previous, else 1
      runV = runV * (v ^ lastV ^ 1) + 1;
      n1 += RUN_POINTS[runH] + RUN_POINTS[runV];
      lastH = h;
      lastV = v;
      bitsH = ((bitsH << 1) & 0x7ff) | h;
      bitsV = ((bitsV << 1) & 0x7ff) | v;
      if (b >= 10) n3 += FINDER_LIKE[bitsH] + FINDER_LIKE[bitsV];
      if (a < size - 1 && b < size - 1) n2 += BLOCK[h + m[a * size + b + 1] + m[(a + 1) * size + b] + m[(a + 1) * size + b + 1]];
    }
  }
  return n1 + n2 * 3 + n3 * 40 + dark((darkCount * 100) / (size * size));
}

/** The symbol `data` (encoded with mask 0 by `qrcode`) with mask p and its format bits. */
function withMask(data: Uint8Array, t: SizeTables, size: number, p: number, out: Uint8Array): Uint8Array {
  const { flips, format } = t;
  for (let k = 0; k < out.length; k++) out[k] = data[k] ^ (flips[k] & 1) ^ ((flips[k] >> p) & 1);
  const bits = formatBits(p);
  for (let f = 0; f < 60; f += 2) out[format[f] * size + format[f + 1]] = (bits >> (f >> 2)) & 1;
  return out;
}

/** The penalty of each of the eight masks on the symbol `data` (encoded with mask 0 by `qrcode`). */
export function maskPenalties(data: Uint8Array, reserved: Uint8Array, size: number): number[] {
  const t = tablesFor(size, reserved);
  const scores: number[] = [];
  if (size <= 64) {
    const unmasked = new Uint8Array(size * size);
    for (let k = 0; k < unmasked.length; k++) unmasked[k] = data[k] ^ (t.flips[k] & 1);
    penalties64(unmasked, size, t, scores);
  } else {
    const scratch = new Uint8Array(size * size);
    for (let p = 0; p < 8; p++) scores[p] = penalty(withMask(data, t, size, p, scratch), size);
  }
  return scores;
}

/** The symbol with the mask `qrcode`'s getBestMask would choose (the first of lowest penalty). */
export function bestMask(data: Uint8Array, reserved: Uint8Array, size: number): { mask: number; modules: Uint8Array } {
  const scores = maskPenalties(data, reserved, size);
  const mask = scores.indexOf(Math.min(...scores));
  return { mask, modules: withMask(data, tablesFor(size, reserved), size, mask, new Uint8Array(size * size)) };
}
