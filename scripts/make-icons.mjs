// Renders resources/icons/icon.svg into every raster icon the app and its installers use:
//   resources/icons/icon.png            1024x1024: the window icon and the macOS icon source
//   resources/icons/linux/NxN.png       the Linux icon set (electron-builder's linux.icon folder)
//   resources/icons/icon.ico            Windows, several sizes in one file
// No .icns is written: electron-builder turns icon.png (1024x1024) into the .icns on the macOS runner.
// The outputs are checked in; run `npm run icons` again after editing the SVG.
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const iconsDir = fileURLToPath(new URL('../resources/icons/', import.meta.url));
const svg = readFileSync(`${iconsDir}icon.svg`, 'utf8');

const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
// The sizes Windows asks for at 100-250% scaling (shell, taskbar, Explorer views), plus 128.
const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256];

// Each size is rendered straight from the vector so small icons stay sharp.
function render(size) {
  const image = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false },
  }).render();
  if (image.width !== size || image.height !== size) {
    throw new Error(`rendered ${image.width}x${image.height}, expected ${size}x${size}`);
  }
  return { size, png: image.asPng(), rgba: unpremultiply(image.pixels) };
}

// resvg hands back premultiplied RGBA; bitmap icons store straight alpha.
function unpremultiply(pixels) {
  const out = Buffer.from(pixels);
  for (let i = 0; i < out.length; i += 4) {
    const a = out[i + 3];
    if (a === 0 || a === 255) continue;
    for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round((out[i + c] * 255) / a));
  }
  return out;
}

// One ICO image as a 32-bit DIB: BITMAPINFOHEADER, BGRA rows bottom-up, then the 1-bit AND mask
// (also bottom-up, rows padded to 4 bytes; a set bit marks a transparent pixel for old readers).
function dib({ size, rgba }) {
  const maskRow = Math.ceil(size / 32) * 4;
  const xorBytes = size * size * 4;
  const andBytes = maskRow * size;
  const buf = Buffer.alloc(40 + xorBytes + andBytes);
  buf.writeUInt32LE(40, 0); // header size
  buf.writeInt32LE(size, 4); // width
  buf.writeInt32LE(size * 2, 8); // height of colour + mask together
  buf.writeUInt16LE(1, 12); // planes
  buf.writeUInt16LE(32, 14); // bits per pixel
  buf.writeUInt32LE(0, 16); // BI_RGB, uncompressed
  buf.writeUInt32LE(xorBytes + andBytes, 20);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const src = (y * size + x) * 4;
      const dst = 40 + (row * size + x) * 4;
      buf[dst] = rgba[src + 2];
      buf[dst + 1] = rgba[src + 1];
      buf[dst + 2] = rgba[src];
      buf[dst + 3] = rgba[src + 3];
      if (rgba[src + 3] === 0) buf[40 + xorBytes + row * maskRow + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return buf;
}

// ICO container: ICONDIR, one 16-byte ICONDIRENTRY per image, then the images. 256px is stored
// as PNG (supported since Windows Vista and keeps the file small); smaller sizes as DIBs, which
// every reader, NSIS's resource tools included, understands.
function ico(images) {
  const datas = images.map((img) => (img.size >= 256 ? img.png : dib(img)));
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type 1: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((img, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e); // 0 means 256
    header.writeUInt8(img.size >= 256 ? 0 : img.size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(datas[i].length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += datas[i].length;
  });
  return Buffer.concat([header, ...datas]);
}

const cache = new Map();
const get = (size) => {
  if (!cache.has(size)) cache.set(size, render(size));
  return cache.get(size);
};

const written = [];
const write = (rel, data) => {
  writeFileSync(`${iconsDir}${rel}`, data);
  written.push(`${rel} (${data.length} bytes)`);
};

write('icon.png', get(1024).png);
mkdirSync(`${iconsDir}linux`, { recursive: true });
for (const size of LINUX_SIZES) write(`linux/${size}x${size}.png`, get(size).png);
write('icon.ico', ico(ICO_SIZES.map(get)));

console.log(`resources/icons:\n  ${written.join('\n  ')}`);
