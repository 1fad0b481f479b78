// The identity of an item within its source: what the seen-set remembers so that a poll never reports an
// item twice. It falls back along the chain feeds make possible (Miniflux does the same, and its users'
// complaints show what breaks when it does not):
//
//   1. the GUID (RSS guid, Atom id), trimmed, when it is not empty or a placeholder ("null", "0", "#");
//   2. else the canonical URL of the link (canonical-url.ts), so that a tracker added to the link or a
//      title edited by the publisher does not make a new item;
//   3. else a hash of the normalized title and text. Nothing else identifies such an item, so an edited
//      title or text does make a new one: an item without GUID and link can only be known by its words.
//
// An entry with a GUID or a link keeps one key whatever its title and text become: a publisher who edits
// an entry must not have it alerted again (issue 12). A link to the page being read itself (a list page
// whose items all link back to it) names no item, and counts as no link. When entries of one fetch share a
// GUID or link, normalize.ts tells them apart by their links, never by their words.
//
// A key is "<source id>:<24 characters>": the first 18 bytes (144 bits) of the SHA-256 of the chosen
// basis, in base64url. Fixed and short, so Redis keys stay small whatever a GUID looks like, and namespaced
// by source, because two feeds may use the same GUIDs ("1", "2", ...). The same story in two sources has
// two keys; finding it twice is the fingerprint's job (simhash.ts).
//
// The basis carries its kind ("guid", "url", "text"), so a GUID that happens to read like some other
// item's URL or text never takes that item's key.
import { hash } from 'node:crypto';
import type { RawEntry } from '../model/item.js';
import { canonicalUrl } from './canonical-url.js';
import { htmlToText } from './html-text.js';

export type KeyKind = 'guid' | 'url' | 'text';

/** What a key is made from: its kind and the exact string hashed. */
export interface KeyBasis {
  kind: KeyKind;
  value: string;
}

// GUIDs that CMSs emit when they have none. A real GUID is never one of these words.
const PLACEHOLDER_GUIDS = new Set([
  'null',
  'undefined',
  'none',
  'nil',
  'n/a',
  '-',
  '#',
  'guid',
  'false',
  '[object object]',
]);

const KEY_BYTES = 18;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The GUID of an entry, trimmed, or undefined when it is missing, blank or a placeholder. */
export function usableGuid(guid: unknown): string | undefined {
  const g = str(guid).trim();
  return g === '' || PLACEHOLDER_GUIDS.has(g.toLowerCase()) ? undefined : g;
}

/** Title and text as compared for identity: readable text, compatibility forms folded, lower case, single spaces. */
export function identityText(entry: Pick<RawEntry, 'title' | 'summary' | 'content'>): string {
  return [entry.title, entry.summary, entry.content]
    .map((field) => htmlToText(str(field)).normalize('NFKC').toLowerCase().replace(/\s+/g, ' '))
    .join('\n');
}

/**
 * The canonical URL of an entry's link when it names the entry: not when it is the page being read
 * (`base`, the source's URL) itself, which every item of a list page may link back to.
 */
export function ownLink(link: unknown, base?: string): string | undefined {
  const url = canonicalUrl(str(link), base);
  return url !== undefined && base !== undefined && url === canonicalUrl(base) ? undefined : url;
}

/** What the key of an entry is made from (see the top of this file); `base` (the source's URL) resolves a relative link. */
export function keyBasis(entry: RawEntry, base?: string): KeyBasis {
  return chooseBasis(entry, usableGuid(entry.guid), ownLink(entry.link, base));
}

/** The fallback chain itself, for a caller that has the GUID and canonical URL at hand already. */
export function chooseBasis(entry: RawEntry, guid: string | undefined, url: string | undefined): KeyBasis {
  if (guid !== undefined) return { kind: 'guid', value: guid };
  if (url !== undefined) return { kind: 'url', value: url };
  return { kind: 'text', value: identityText(entry) };
}

/** The key for a basis: "<source id>:<base64url of the first 18 bytes of SHA-256>". */
export function keyFrom(sourceId: string, basis: KeyBasis): string {
  // Base64 turns each 3 bytes into 4 characters, so the first KEY_BYTES (18) bytes are the first 24 characters.
  return `${sourceId}:${hash('sha256', `${basis.kind}\u0000${basis.value}`, 'base64url').slice(0, (KEY_BYTES / 3) * 4)}`;
}

/** The stable key of an entry within its source: GUID, else canonical URL, else title and text. */
export function itemKey(sourceId: string, entry: RawEntry, base?: string): string {
  return keyFrom(sourceId, keyBasis(entry, base));
}
