/**
 * The sample personal signature: a handwritten-looking blue signature on a transparent
 * background (Decree 30/2020 Appendix I Part I.II.7.d: "màu xanh, định dạng .png nền trong
 * suốt"). Drawn as anti-aliased cubic Bézier strokes whose width follows a pen-pressure curve.
 */
import { PNG } from 'pngjs';

type Pt = [number, number];
/** One cubic Bézier segment; a stroke is a chain of segments drawn with one pen. */
type Cubic = [Pt, Pt, Pt, Pt];

interface Stroke {
  segments: Cubic[];
  /** Maximum pen radius in pixels. */
  width: number;
}

/** "An" in a quick cursive hand with an underline flourish (coordinates in a 600×240 box). */
const STROKES: Stroke[] = [
  // capital A: up-stroke, down-stroke
  { width: 4.2, segments: [[[60, 200], [95, 150], [130, 60], [158, 34]], [[158, 34], [170, 60], [182, 140], [205, 196]]] },
  // cross-bar that runs on into the "n"
  { width: 3.4, segments: [[[96, 132], [150, 118], [205, 110], [238, 124]], [[238, 124], [250, 150], [248, 178], [246, 186]], [[246, 186], [258, 130], [300, 112], [312, 150]], [[312, 150], [318, 176], [322, 186], [340, 180]]] },
  // "Văn" abbreviated as a looped v and a fast tail
  { width: 3.2, segments: [[[350, 120], [362, 150], [372, 180], [382, 186]], [[382, 186], [400, 150], [410, 120], [430, 98]], [[430, 98], [440, 86], [420, 90], [424, 120]], [[424, 120], [430, 170], [470, 160], [500, 130]]] },
  // underline flourish from right to left and back
  { width: 3.0, segments: [[[520, 104], [560, 150], [420, 214], [250, 214]], [[250, 214], [140, 214], [80, 208], [72, 196]], [[72, 196], [150, 190], [330, 196], [470, 222]]] },
];

const INK: [number, number, number] = [18, 44, 170];

function cubicAt(c: Cubic, t: number): Pt {
  const u = 1 - t;
  const a = u * u * u, b = 3 * u * u * t, d = 3 * u * t * t, e = t * t * t;
  return [a * c[0][0] + b * c[1][0] + d * c[2][0] + e * c[3][0], a * c[0][1] + b * c[1][1] + d * c[2][1] + e * c[3][1]];
}

/** Stamps an anti-aliased disc of radius r into the coverage map (max blend). */
function disc(cov: Float32Array, w: number, h: number, cx: number, cy: number, r: number): void {
  for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(h - 1, Math.ceil(cy + r + 1)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(w - 1, Math.ceil(cx + r + 1)); x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const c = Math.min(1, Math.max(0, r + 0.5 - d));
      const i = y * w + x;
      if (c > cov[i]) cov[i] = c;
    }
  }
}

/** Renders the sample signature as an RGBA PNG (default 600×240). */
export function makeSignaturePng(width = 600, height = 240): Buffer {
  const sx = width / 600, sy = height / 240;
  const cov = new Float32Array(width * height);
  for (const s of STROKES) {
    const n = s.segments.length;
    s.segments.forEach((seg, k) => {
      const steps = 400;
      for (let i = 0; i <= steps; i++) {
        const t = i / steps;
        const g = (k + t) / n; // position along the whole stroke, for the pressure curve
        const pressure = 0.35 + 0.65 * Math.sin(Math.PI * Math.min(1, 0.08 + g * 0.9));
        const [x, y] = cubicAt(seg, t);
        disc(cov, width, height, x * sx, y * sy, Math.max(0.8, s.width * pressure * Math.min(sx, sy)));
      }
    });
  }
  const png = new PNG({ width, height, colorType: 6 });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = INK[0];
    png.data[i * 4 + 1] = INK[1];
    png.data[i * 4 + 2] = INK[2];
    png.data[i * 4 + 3] = Math.round(cov[i] * 255);
  }
  return PNG.sync.write(png, { colorType: 6 });
}
