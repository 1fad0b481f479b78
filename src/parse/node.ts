// Reading xml2js nodes as rss-parser hands them over: a string for a plain element, an object for one with
// attributes (`$`) or child elements (text in `_`), arrays where an element may repeat.

export function nodes(x: unknown): unknown[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/** All the text in a node, its own text first, then its children's; attributes left out. */
export function textOf(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return String(x);
  if (Array.isArray(x)) return x.map(textOf).filter(Boolean).join(' ');
  if (x && typeof x === 'object') {
    const own = (x as Record<string, unknown>)._;
    const children = Object.entries(x)
      .filter(([k]) => k !== '$' && k !== '_')
      .map(([, v]) => textOf(v));
    return [typeof own === 'string' ? own : '', ...children].filter(Boolean).join(' ');
  }
  return '';
}

/** The first of the nodes with any text, trimmed. */
export function firstText(x: unknown): string {
  for (const n of nodes(x)) {
    const t = textOf(n).trim();
    if (t) return t;
  }
  return '';
}

/** An attribute of an element node. */
export function attribute(node: unknown, name: string): string | undefined {
  const attrs = node && typeof node === 'object' ? (node as Record<string, unknown>).$ : undefined;
  return stringAt(attrs, name);
}

export function stringAt(obj: unknown, key: string): string | undefined {
  const v = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A date element's text, or the machine-readable `datetime` of a <time> inside it (Drupal writes those). */
export function dateText(node: unknown): string {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop();
    const datetime = attribute(n, 'datetime');
    if (datetime) return datetime;
    if (n && typeof n === 'object')
      stack.push(
        ...Object.entries(n)
          .filter(([k]) => k !== '$')
          .flatMap(([, v]) => nodes(v)),
      );
  }
  return textOf(node).trim();
}
