import { detSinCos } from './det-math';
import type { RgbImage } from './png';
import { clamp, ExampleRandom } from './random';

/**
 * Small RGB images of one shape each (circle, square or triangle) for an image_folder dataset: random
 * position, size, rotation and colours, on a background with a colour gradient and per-pixel noise. The shape
 * is always clearly visible (its colour is chosen to contrast with the background), so a small CNN separates
 * the classes well; pixel statistics alone do not, since size, colour and place are drawn the same way for
 * every class.
 */

export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

export const SHAPE_SIZE = 64;
/** Subsamples per pixel side for anti-aliased edges. */
const SUPERSAMPLE = 4;
const SQRT3_HALF = Math.sqrt(3) / 2;

type Rgb = [number, number, number];

/** Perceived brightness, 0 to 255. */
const luma = ([r, g, b]: Rgb): number => 0.299 * r + 0.587 * g + 0.114 * b;

function randomColour(rng: ExampleRandom): Rgb {
  return [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
}

/** Draws an inside-test for the shape, in coordinates relative to its centre. */
function shapeTest(cls: ShapeClass, extent: number, angle: number): (dx: number, dy: number) => boolean {
  const { sin, cos } = detSinCos(angle);
  // Rotate a point by -angle into the shape's own frame.
  const local = (dx: number, dy: number): [number, number] => [cos * dx + sin * dy, -sin * dx + cos * dy];
  if (cls === 'circle') {
    const r = 0.8 * extent;
    const r2 = r * r;
    return (dx, dy) => dx * dx + dy * dy <= r2;
  }
  if (cls === 'square') {
    const half = 0.72 * extent;
    return (dx, dy) => {
      const [x, y] = local(dx, dy);
      return Math.abs(x) <= half && Math.abs(y) <= half;
    };
  }
  // Equilateral triangle with circumradius R: inside when the point is within R/2 of the centre along each
  // of the three edge normals (down, and 30 degrees above the horizontal on either side).
  const R = 1.05 * extent;
  const inradius = R / 2;
  return (dx, dy) => {
    const [x, y] = local(dx, dy);
    return y <= inradius && SQRT3_HALF * x - 0.5 * y <= inradius && -SQRT3_HALF * x - 0.5 * y <= inradius;
  };
}

/** Image `index` of class `cls` for a seed: the same pixels on every machine. */
export function renderShape(seed: number, cls: ShapeClass, index: number): RgbImage {
  const rng = new ExampleRandom(seed, `shapes:${cls}:${index}`);
  const size = SHAPE_SIZE;
  const extent = rng.uniform(9, 24);
  // The bounding circle of any rotation (1.05 * extent for the triangle) stays inside the frame.
  const margin = 1.05 * extent + 1;
  const cx = rng.uniform(margin, size - margin);
  const cy = rng.uniform(margin, size - margin);
  const angle = rng.uniform(0, 2 * Math.PI);
  const background = randomColour(rng);
  let foreground = randomColour(rng);
  for (let tries = 0; tries < 20 && Math.abs(luma(foreground) - luma(background)) < 70; tries += 1) {
    foreground = randomColour(rng);
  }
  if (Math.abs(luma(foreground) - luma(background)) < 70) {
    foreground = [255 - background[0], 255 - background[1], 255 - background[2]];
  }
  const gradX = rng.uniform(-0.7, 0.7);
  const gradY = rng.uniform(-0.7, 0.7);
  const noise = rng.int(3, 25);
  const inside = shapeTest(cls, extent, angle);

  const pixels = new Uint8Array(size * size * 3);
  const step = 1 / SUPERSAMPLE;
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy += 1) {
        for (let sx = 0; sx < SUPERSAMPLE; sx += 1) {
          if (inside(x + (sx + 0.5) * step - cx, y + (sy + 0.5) * step - cy)) hits += 1;
        }
      }
      const cover = hits / samples;
      const shade = gradX * (x - size / 2) + gradY * (y - size / 2);
      const bits = rng.uint32();
      for (let c = 0; c < 3; c += 1) {
        const bg = (background[c] as number) + shade;
        const value = bg + cover * ((foreground[c] as number) - bg);
        const jitter = (((bits >>> (8 * c)) & 0xff) % (2 * noise + 1)) - noise;
        pixels[(y * size + x) * 3 + c] = clamp(Math.round(value + jitter), 0, 255);
      }
    }
  }
  return { width: size, height: size, pixels };
}

/** How many images of each class make `total`: as even as possible, the first classes taking the rest. */
export function imagesPerClass(total: number): number[] {
  const base = Math.floor(total / SHAPE_CLASSES.length);
  const rest = total % SHAPE_CLASSES.length;
  return SHAPE_CLASSES.map((_, i) => base + (i < rest ? 1 : 0));
}

/** `circle_0001.png`: 1-based, zero-padded so the files sort in order. */
export function shapeFileName(cls: ShapeClass, index: number, perClass: number): string {
  const width = Math.max(4, String(perClass).length);
  return `${cls}_${String(index + 1).padStart(width, '0')}.png`;
}
