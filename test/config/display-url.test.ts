// How a source URL is shown (model/redact.ts): the loader's display form, with each value from the
// environment as its ${NAME}, and the redaction of messages that quote a URL, by tables.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { redactText, redactUrl } from '../../src/model/redact.js';

const tmp = mkdtempSync(join(tmpdir(), 'signpost-display-url-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sourceOf(url: string, env: Record<string, string>) {
  const file = join(tmp, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    [
      'version: 1',
      'watch: { id: w, title: W }',
      'scenarios: { a: { title: A, prior: 0.5 }, b: { title: B, prior: 0.5 } }',
      'indicators: { ind: { title: I } }',
      `sources: [{ id: src, type: rss, url: ${JSON.stringify(url)}, credibility: 0.5, lang: en }]`,
      'rules: [{ id: r, indicator: ind, match: word, evidence: { a: strong } }]',
    ].join('\n'),
  );
  return loadWatchbookOrThrow(file, env).sources[0]!;
}

describe('the display form of a source URL', () => {
  // prettier-ignore
  it.each([
    ['a token in the query', 'https://h.example/feed?token=${FEED_TOKEN}', { FEED_TOKEN: 'tok-123456' }, 'https://h.example/feed?token=tok-123456', 'https://h.example/feed?token=${FEED_TOKEN}'],
    ['a secret in the path', 'https://h.example/${FEED_PATH}/rss', { FEED_PATH: 'p-987654' }, 'https://h.example/p-987654/rss', 'https://h.example/${FEED_PATH}/rss'],
    ['a host from the environment, a fallback not used', 'https://${FEED_HOST}/rss?k=${FEED_K:-x}', { FEED_HOST: 'h.example', FEED_K: 'kv-1' }, 'https://h.example/rss?k=kv-1', 'https://${FEED_HOST}/rss?k=${FEED_K}'],
    ['a fallback used: written in the file, shown', 'https://h.example/rss?lang=${FEED_LANG:-en}', {}, 'https://h.example/rss?lang=en', 'https://h.example/rss?lang=en'],
    ['an api key written in the file', 'https://h.example/rss?api_key=abc123&page=2', {}, 'https://h.example/rss?api_key=abc123&page=2', 'https://h.example/rss?api_key=***&page=2'],
    ['a password in the userinfo', 'https://reader:pa55word@h.example/rss', {}, 'https://reader:pa55word@h.example/rss', 'https://reader:***@h.example/rss'],
  ])('%s', (_name, written, env, url, displayUrl) => {
    const source = sourceOf(written, env);
    expect(source.url).toBe(url);
    expect(source.displayUrl).toBe(displayUrl);
  });
});

describe('redaction', () => {
  // prettier-ignore
  it.each([
    ['secret query parameters, whatever their case or prefix', 'https://h/x?Access_Token=a1&X-Amz-Signature=s2&client_secret=c3&q=news', 'https://h/x?Access_Token=***&X-Amz-Signature=***&client_secret=***&q=news'],
    ['a placeholder stays a placeholder', 'https://u:${PW}@h/x?token=${T}', 'https://u:${PW}@h/x?token=${T}'],
    ['a URL without secrets as it was', 'https://h/x?page=2#top', 'https://h/x?page=2#top'],
    ['every URL in a message', 'redirect loop from https://h/a?sig=1: https://h/b?sig=2 redirects back', 'redirect loop from https://h/a?sig=***: https://h/b?sig=*** redirects back'],
  ])('redactUrl: %s', (_name, text, shown) => {
    expect(redactUrl(text)).toBe(shown);
  });

  const source = {
    url: 'https://h.example/p/sec-ret+1/feed?t=sec-ret+1',
    displayUrl: 'https://h.example/p/${S}/feed?t=${S}',
    secrets: { S: 'sec-ret+1' },
  };
  // prettier-ignore
  it.each([
    ['the source URL as its display form', `fetch: 500 for ${source.url}`, 'fetch: 500 for https://h.example/p/${S}/feed?t=${S}'],
    ['the secret in another URL, after a redirect', 'fetch: 404 for https://h.example/moved?t=sec-ret+1', 'fetch: 404 for https://h.example/moved?t=${S}'],
    ['the secret percent-encoded', 'fetch: 404 for https://h.example/moved?t=sec-ret%2B1', 'fetch: 404 for https://h.example/moved?t=${S}'],
  ])('redactText: %s', (_name, text, shown) => {
    expect(redactText(text, [source])).toBe(shown);
  });
});
