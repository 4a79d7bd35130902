/**
 * Deterministic placeholder images: a diagonal gradient and a few translucent shapes whose colours
 * and positions come from a hash of the prompt. Plus a small in-memory store for `url` replies.
 */
import { randomUUID } from 'node:crypto';
import { encodePng } from './png.ts';
import { hash32, mulberry32 } from './text.ts';

export const MIN_DIM = 16;
export const MAX_DIM = 2048;

type RGB = [number, number, number];

function hsl(h: number, s: number, l: number): RGB {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Paints a width × height RGB image for the prompt and encodes it as PNG. */
export function renderImage(prompt: string, width: number, height: number, variant = 0): Buffer {
  const rng = mulberry32(hash32(`${prompt}\u0001${variant}`));
  const hue = rng() * 360;
  const c1 = hsl(hue, 0.55 + rng() * 0.3, 0.35 + rng() * 0.2);
  const c2 = hsl((hue + 40 + rng() * 140) % 360, 0.5 + rng() * 0.4, 0.6 + rng() * 0.2);
  const px = new Uint8Array(width * height * 3);
  const wx = 0.6 / Math.max(1, width - 1);
  const wy = 0.4 / Math.max(1, height - 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = x * wx + y * wy;
      const o = (y * width + x) * 3;
      px[o] = c1[0] + (c2[0] - c1[0]) * t;
      px[o + 1] = c1[1] + (c2[1] - c1[1]) * t;
      px[o + 2] = c1[2] + (c2[2] - c1[2]) * t;
    }
  }
  const shapes = 3 + Math.floor(rng() * 4);
  const minDim = Math.min(width, height);
  for (let s = 0; s < shapes; s++) {
    const colour = hsl((hue + 90 + rng() * 180) % 360, 0.6, 0.3 + rng() * 0.5);
    const alpha = 0.45 + rng() * 0.4;
    const cx = rng() * width;
    const cy = rng() * height;
    const size = minDim * (0.08 + rng() * 0.3);
    const circle = rng() < 0.6;
    const x0 = Math.max(0, Math.floor(cx - size));
    const x1 = Math.min(width - 1, Math.ceil(cx + size));
    const y0 = Math.max(0, Math.floor(cy - size * (circle ? 1 : 0.6)));
    const y1 = Math.min(height - 1, Math.ceil(cy + size * (circle ? 1 : 0.6)));
    const r2 = size * size;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (circle && (x - cx) * (x - cx) + (y - cy) * (y - cy) > r2) continue;
        const o = (y * width + x) * 3;
        px[o] = px[o]! + (colour[0] - px[o]!) * alpha;
        px[o + 1] = px[o + 1]! + (colour[1] - px[o + 1]!) * alpha;
        px[o + 2] = px[o + 2]! + (colour[2] - px[o + 2]!) * alpha;
      }
    }
  }
  return encodePng(width, height, px);
}

/** "1024x1024" → [1024, 1024]; 'auto' or missing → the default; anything else → null. */
export function parseSize(size: unknown, fallback: [number, number] = [1024, 1024]): [number, number] | null {
  if (size === undefined || size === null || size === 'auto' || size === '') return fallback;
  if (typeof size !== 'string') return null;
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(size.trim());
  if (!m) return null;
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (w < MIN_DIM || h < MIN_DIM || w > MAX_DIM || h > MAX_DIM) return null;
  return [w, h];
}

/** In-memory files for `url` replies, oldest dropped first. */
export class FileStore {
  readonly max: number;
  private files = new Map<string, Buffer>();
  constructor(max = 200) {
    this.max = max;
  }
  put(data: Buffer): string {
    const id = randomUUID();
    this.files.set(id, data);
    while (this.files.size > this.max) {
      const first = this.files.keys().next().value;
      if (first === undefined) break;
      this.files.delete(first);
    }
    return id;
  }
  get(id: string): Buffer | undefined {
    return this.files.get(id);
  }
  clear(): void {
    this.files.clear();
  }
}
