// The User-Agent every request carries. Publishers who see unusual traffic should be able to tell what it
// is and whom to write to, instead of blocking an anonymous client; the robots.txt token is its first word.
import { readFileSync } from 'node:fs';

/** The product token robots.txt rules are matched against. */
export const ROBOTS_TOKEN = 'Signpost';

let version: string | undefined;

/** The package version, read once from package.json (above src/fetch, or above dist/src/fetch when built). */
export function signpostVersion(): string {
  if (version === undefined) {
    version = '0.0.0';
    for (const up of ['../../package.json', '../../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (pkg.name === 'signpost' && typeof pkg.version === 'string') {
          version = pkg.version;
          break;
        }
      } catch {
        // not this level
      }
    }
  }
  return version;
}

/**
 * `Signpost/<version> (+<contact>)`, the contact being the watchbook's `watch.contact` (an email address or
 * a URL). Characters that cannot appear in a header comment are dropped, so a stray newline or parenthesis
 * in the watchbook can neither break the request nor inject a header.
 */
export function userAgent(contact?: string): string {
  const clean = (contact ?? '').replace(/[^\x21-\x7e ]|[()\\]/g, '').trim();
  return clean ? `${ROBOTS_TOKEN}/${signpostVersion()} (+${clean})` : `${ROBOTS_TOKEN}/${signpostVersion()}`;
}
