// encodePng and the trend chart, read back by a decoder written here from the PNG spec: the chunks and
// their CRCs (checked with node:zlib's own CRC-32), the header, and the pixels inflated from IDAT.
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../src/notify/png.js';
import { TREND_HEIGHT, TREND_WIDTH, trendPng, trendText } from '../../src/notify/trend-image.js';

interface Decoded {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlace: number;
  palette: [number, number, number][];
  pixels: Uint8Array;
  chunks: string[];
}

function decodePng(png: Buffer): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  let plte: Buffer | undefined;
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(zlibCrc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'PLTE') plte = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width + 1) * height);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)], `filter type of row ${y}`).toBe(0);
    pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  const palette: [number, number, number][] = [];
  for (let i = 0; i < plte!.length; i += 3) palette.push([plte![i]!, plte![i + 1]!, plte![i + 2]!]);
  return {
    width,
    height,
    bitDepth: header![8]!,
    colourType: header![9]!,
    interlace: header![12]!,
    palette,
    pixels,
    chunks,
  };
}

describe('encodePng', () => {
  it('writes an indexed image a decoder reads back pixel for pixel', () => {
    const pixels = Uint8Array.from({ length: 7 * 3 }, (_, n) => n % 3);
    const png = encodePng({
      width: 7,
      height: 3,
      palette: [
        [255, 255, 255],
        [0, 0, 0],
        [29, 78, 216],
      ],
      pixels,
    });
    const d = decodePng(png);
    expect(d.chunks).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    expect([d.width, d.height, d.bitDepth, d.colourType, d.interlace]).toEqual([7, 3, 8, 3, 0]);
    expect(d.palette).toEqual([
      [255, 255, 255],
      [0, 0, 0],
      [29, 78, 216],
    ]);
    expect([...d.pixels]).toEqual([...pixels]);
  });

  it('computes CRC-32 as zlib does', () => {
    for (const text of ['', 'IEND', 'The quick brown fox jumps over the lazy dog'])
      expect(crc32(Buffer.from(text))).toBe(zlibCrc32(text));
  });

  // prettier-ignore
  it.each([
    ['a zero width', { width: 0, height: 1, palette: [[0, 0, 0]], pixels: new Uint8Array(0) }, /width and height from 1/],
    ['a huge image', { width: 5_000, height: 1, palette: [[0, 0, 0]], pixels: new Uint8Array(5_000) }, /width and height from 1 to 4096/],
    ['too few pixels', { width: 2, height: 2, palette: [[0, 0, 0]], pixels: new Uint8Array(3) }, /expected 4 pixels \(2 x 2\), got 3/],
    ['an index outside the palette', { width: 1, height: 1, palette: [[0, 0, 0]], pixels: Uint8Array.of(1) }, /pixel index 1 is outside the 1-colour palette/],
    ['an empty palette', { width: 1, height: 1, palette: [], pixels: Uint8Array.of(0) }, /1 to 256 palette colours, got 0/],
  ] as const)('refuses %s with a clear error', (_what, image, message) => {
    expect(() => encodePng(image as Parameters<typeof encodePng>[0])).toThrow(message);
  });
});

describe('trend chart', () => {
  const HOUR = 3_600_000;
  const chart = {
    from: 0,
    to: 10 * HOUR,
    enter: 0.55,
    exit: 0.45,
    // Nothing before 2 h; 20 % until 6 h, then 80 %.
    points: [
      { at: 6 * HOUR, probability: 0.8 },
      { at: 2 * HOUR, probability: 0.2 },
    ],
  };
  const d = decodePng(trendPng(chart));
  const colour = (x: number, y: number) => d.palette[d.pixels[y * d.width + x]!]!.join(',');
  const column = (x: number) => Array.from({ length: d.height }, (_, y) => colour(x, y));
  const BLUE = '29,78,216';
  const AMBER = '217,119,6';
  const FILL = '219,234,254';
  const GREY = '156,163,175';
  const WHITE = '255,255,255';

  it('is twice the size the email shows it at', () => {
    expect([d.width, d.height]).toEqual([2 * TREND_WIDTH, 2 * TREND_HEIGHT]);
  });

  it('draws no line before the first state, a low line then, and a high one after the rise', () => {
    const x = (h: number) => Math.round((h / 10) * (d.width - 1));
    expect(column(x(1)).some((c) => c === BLUE || c === FILL)).toBe(false);
    const lineAt = (h: number) => column(x(h)).findIndex((c) => c === BLUE);
    // Row 0 is 100 %: a higher probability sits nearer the top.
    expect(lineAt(4)).toBeGreaterThan(d.height * 0.6);
    expect(lineAt(8)).toBeLessThan(d.height * 0.4);
    // Filled below the line (the thresholds are drawn over the fill), to the bottom margin.
    const below = column(x(8)).slice(lineAt(8) + 2, -2);
    expect(below.filter((c) => c !== FILL && c !== AMBER && c !== GREY)).toEqual([]);
    expect(below.filter((c) => c === FILL).length).toBeGreaterThan(below.length * 0.8);
  });

  it('dashes the enter threshold across the chart', () => {
    const rows = Array.from(
      { length: d.height },
      (_, y) => Array.from({ length: d.width }, (_, x) => colour(x, y)).filter((c) => c === AMBER).length,
    );
    const y = rows.findIndex((n) => n > 0);
    expect(y).toBeGreaterThan(d.height * 0.35);
    expect(y).toBeLessThan(d.height * 0.55);
    // Dashed: about 6 in 10 pixels, with the line over it after the rise.
    expect(rows[y]! / d.width).toBeGreaterThan(0.3);
    expect(rows[y]! / d.width).toBeLessThan(0.7);
    expect(colour(1, 0)).toBe(WHITE);
  });

  it('as text: a block a sample on an absolute scale, a dot before the first state', () => {
    expect(trendText(chart, 11)).toBe('··▂▂▂▂▇▇▇▇▇');
  });
});
