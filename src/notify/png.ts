// A minimal PNG encoder for the pictures emails carry: an indexed-colour image (a palette of up to 256
// colours, one byte a pixel) compressed with node:zlib. Enough for flat charts, and no dependency.
// Format: https://www.w3.org/TR/png-3/ (signature, IHDR, PLTE, IDAT, IEND; CRC-32 over type and data).
import { deflateSync } from 'node:zlib';

export interface IndexedImage {
  width: number;
  height: number;
  /** Colours as [r, g, b], 0 to 255; at most 256. */
  palette: readonly (readonly [number, number, number])[];
  /** One palette index a pixel, row by row from the top left: width x height bytes. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// The spec caps each dimension at 2^31 - 1; a chart is far smaller, and a huge one is a bug.
const MAX_SIDE = 4_096;

// CRC-32 (ISO 3309, the polynomial 0xEDB88320 reflected), as PNG's section 5.5 computes it.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** The PNG file of an indexed image; throws on sizes, palettes or pixels that do not fit together. */
export function encodePng(image: IndexedImage): Buffer {
  const { width, height, palette, pixels } = image;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > MAX_SIDE ||
    height > MAX_SIDE
  ) {
    throw new RangeError(`png: expected a width and height from 1 to ${MAX_SIDE}, got ${width} x ${height}`);
  }
  if (palette.length < 1 || palette.length > 256)
    throw new RangeError(`png: expected 1 to 256 palette colours, got ${palette.length}`);
  if (pixels.length !== width * height)
    throw new RangeError(`png: expected ${width * height} pixels (${width} x ${height}), got ${pixels.length}`);
  for (const p of pixels)
    if (p >= palette.length)
      throw new RangeError(`png: pixel index ${p} is outside the ${palette.length}-colour palette`);

  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  // Bit depth 8, colour type 3 (indexed), compression 0 (deflate), filter method 0, no interlace.
  header.set([8, 3, 0, 0, 0], 8);
  const plte = Buffer.from(
    palette.flatMap(([r, g, b]) => [r, g, b].map((v) => Math.max(0, Math.min(255, Math.round(v))))),
  );
  // Each scanline starts with its filter type; 0 (none) suits flat colours, which deflate well as they are.
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
