// Reads a response body into memory, decompressing it and refusing to hold more than `maxBytes`. The cap
// counts decompressed bytes: a 1 MB gzip of zeros inflates to 1 GB, and it is the inflated size that costs
// memory. Everything streams with backpressure (zlib pauses mid-chunk when its reader stops), so memory
// stays near the cap however large the server's answer claims or turns out to be.
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from './errors.js';

/** What we tell servers we can decode (Accept-Encoding). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

// Lenient like browsers and curl: a body cut short after the last complete block still yields its text
// (parse then decides) instead of failing on a missing gzip trailer.
const ZLIB_OPTS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTS = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** Content codings in the order they must be undone (the header lists them in the order applied). */
function codings(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
}

/** Resolves with the first byte of the stream (put back unread), or undefined for an empty stream. */
function peekFirstByte(stream: Readable): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onReadable = (): void => {
      const chunk = stream.read() as Buffer | null;
      if (chunk === null) return;
      cleanup();
      stream.unshift(chunk);
      resolve(chunk[0]);
    };
    const onEnd = (): void => (cleanup(), resolve(undefined));
    const onError = (err: Error): void => (cleanup(), reject(err));
    stream.on('readable', onReadable).once('end', onEnd).once('error', onError);
  });
}

function decoder(coding: string, firstByte: number | undefined, url: URL): Transform {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTS);
    case 'deflate':
      // "deflate" should be zlib-wrapped (RFC 9110 §8.4.1.2) but some servers send raw deflate; a zlib
      // stream starts with a byte whose low nibble is 8 (the deflate method), as browsers check.
      return firstByte === undefined || (firstByte & 0x0f) === 0x08
        ? zlib.createInflate(ZLIB_OPTS)
        : zlib.createInflateRaw(ZLIB_OPTS);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTS);
    default:
      // We only ever offer gzip, deflate and br, so anything else is a server bug we cannot read through.
      throw new FetchError(
        'parse-error',
        `${url.href} sent Content-Encoding ${coding}, which Signpost does not decode`,
      );
  }
}

function tooLarge(url: URL, maxBytes: number, what: string): FetchError {
  return new FetchError('too-large', `${url.href} ${what} more than the ${maxBytes}-byte cap`);
}

/**
 * The body of `res`, decoded, as one Buffer. Throws `too-large` as soon as more than `maxBytes` decoded
 * bytes arrive (or Content-Length announces more), and destroys the response, so the socket closes and the
 * server stops sending. Other stream errors propagate as they are, for the caller to classify.
 */
export async function readBody(res: IncomingMessage, url: URL, maxBytes: number): Promise<Buffer> {
  const stages: Transform[] = [];
  try {
    // Content-Length counts encoded bytes; decoded ones are at least as many for any real body.
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(url, maxBytes, `announces ${declared} bytes,`);
    const steps = codings(res.headers['content-encoding']);
    const firstByte = steps[0] === 'deflate' ? await peekFirstByte(res) : undefined;
    steps.forEach((coding, i) => stages.push(decoder(coding, i === 0 ? firstByte : undefined, url)));
    const out: Readable = stages.length === 0 ? res : (pipeline([res, ...stages], () => {}) as unknown as Readable);

    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of out as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(url, maxBytes, stages.length ? 'inflates to' : 'sent');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  } finally {
    // On success these are finished already; on any failure this stops the transfer and frees zlib.
    for (const stage of stages) stage.destroy();
    res.destroy();
  }
}
