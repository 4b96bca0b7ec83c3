// Draws the tray template images (black + alpha, 1x and 2x) and the 1024² app icon with plain
// Node: shapes are coverage functions, supersampled for anti-aliasing, encoded as PNG with zlib.
// Run: npx tsx scripts/make-tray-icons.ts  (writes into assets/)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];
/** Coverage 0..1 of the point (x, y), in the shape's own units. */
type Shape = (x: number, y: number) => number;

// --- PNG encoding -------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(
      raw,
      y * (width * 4 + 1) + 1,
    );
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- Shapes (hard-edged; anti-aliasing comes from supersampling) ---------------------------------

const disc =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 1 : 0;

const ring =
  (cx: number, cy: number, r: number, width: number): Shape =>
  (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    return Math.abs(d - r) <= width / 2 ? 1 : 0;
  };

/** A line segment with round ends. */
const capsule =
  (ax: number, ay: number, bx: number, by: number, width: number): Shape =>
  (x, y) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= width / 2 ? 1 : 0;
  };

const roundedRect =
  (x0: number, y0: number, x1: number, y1: number, r: number): Shape =>
  (x, y) => {
    const qx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const qy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && qx * qx + qy * qy <= r * r ? 1 : 0;
  };

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    Math.max(...shapes.map((s) => s(x, y)));

const minus =
  (shape: Shape, hole: Shape): Shape =>
  (x, y) =>
    Math.min(shape(x, y), 1 - hole(x, y));

const scaled =
  (shape: Shape, factor: number): Shape =>
  (x, y) =>
    shape(x, y) * factor;

// --- Rendering -----------------------------------------------------------------------------------

interface Layer {
  shape: Shape;
  /** The colour at the point, in the glyph's units. */
  color: (x: number, y: number) => Rgba;
}

/** Renders layers (painted in order) onto a transparent canvas of `units`² scaled to `size`² px. */
function render(size: number, units: number, layers: Layer[], samples = 4): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const scale = units / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          // Premultiplied "over" compositing per sample.
          let sr = 0;
          let sg = 0;
          let sb = 0;
          let sa = 0;
          for (const layer of layers) {
            const cover = layer.shape(x, y);
            if (cover <= 0) continue;
            const [cr, cg, cb, ca] = layer.color(x, y);
            const alpha = (ca / 255) * cover;
            sr = cr * alpha + sr * (1 - alpha);
            sg = cg * alpha + sg * (1 - alpha);
            sb = cb * alpha + sb * (1 - alpha);
            sa = alpha + sa * (1 - alpha);
          }
          r += sr;
          g += sg;
          b += sb;
          a += sa;
        }
      }
      const n = samples * samples;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

// --- The tray glyphs: an 18×18 unit canvas, a circle with the state inside -----------------------

const C = 9;
const R = 6.9;
const STROKE = 1.6;
const outline = ring(C, C, R, STROKE);
const solid = disc(C, C, R + STROKE / 2);

export const TRAY_GLYPHS: Record<'stopped' | 'idle' | 'working' | 'waiting' | 'error', Shape> = {
  // Off: the outline alone, dimmed (macOS keeps the alpha when it tints).
  stopped: scaled(outline, 0.55),
  // Running, nothing happening: outline with a dot.
  idle: union(outline, disc(C, C, 2.1)),
  // OpenCode is working: "typing" dots.
  working: union(outline, disc(5.6, C, 1.35), disc(C, C, 1.35), disc(12.4, C, 1.35)),
  // A permission or question waits: solid with an exclamation mark cut out.
  waiting: minus(solid, union(capsule(C, 5, C, 9.9, 2), disc(C, 12.9, 1.15))),
  // Error: outline with a cross.
  error: union(outline, capsule(6.4, 6.4, 11.6, 11.6, 1.7), capsule(11.6, 6.4, 6.4, 11.6, 1.7)),
};

const black = (): Rgba => [0, 0, 0, 255];

// --- The app icon: 1024², macOS grid (824² body), a chat-blue disc with a terminal prompt ----------

function appIconLayers(): Layer[] {
  const mix = (a: Rgba, b: Rgba, t: number): Rgba =>
    a.map((v, i) => Math.round(v + ((b[i] ?? 0) - v) * t)) as Rgba;
  const top: Rgba = [52, 62, 78, 255];
  const bottom: Rgba = [20, 24, 31, 255];
  const blueTop: Rgba = [55, 178, 240, 255];
  const blueBottom: Rgba = [30, 140, 205, 255];
  const cx = 512;
  const cy = 512;
  return [
    {
      shape: roundedRect(100, 100, 924, 924, 185),
      color: (_x, y) => mix(top, bottom, (y - 100) / 824),
    },
    {
      shape: disc(cx, cy, 290),
      color: (_x, y) => mix(blueTop, blueBottom, (y - 222) / 580),
    },
    {
      shape: union(
        capsule(cx - 120, cy - 105, cx + 5, cy, 58),
        capsule(cx + 5, cy, cx - 120, cy + 105, 58),
        capsule(cx + 55, cy + 105, cx + 150, cy + 105, 58),
      ),
      color: () => [255, 255, 255, 255],
    },
  ];
}

function main(): void {
  const assets = path.resolve(import.meta.dirname, '..', 'assets');
  for (const [state, shape] of Object.entries(TRAY_GLYPHS)) {
    for (const [suffix, size] of [
      ['', 18],
      ['@2x', 36],
    ] as const) {
      const file = path.join(assets, `tray-${state}Template${suffix}.png`);
      writeFileSync(file, encodePng(size, size, render(size, 18, [{ shape, color: black }], 8)));
    }
  }
  writeFileSync(
    path.join(assets, 'icon.png'),
    encodePng(1024, 1024, render(1024, 1024, appIconLayers(), 3)),
  );
  console.log(`Wrote tray icons and icon.png to ${assets}`);
}

main();
