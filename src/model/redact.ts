// How a source URL is shown: the URL fetched may hold secrets (a `${FEED_TOKEN}` from the environment), and
// everything shown, stored or logged (messages, health records, alerts, pages, CLI output) uses its display
// form. Pure functions on strings, with no imports, so every stage can reach them through model/.

/** What redaction knows of a source: the URL fetched, its display form, and the values it took from the environment. */
export interface UrlSecrets {
  url: string;
  displayUrl?: string;
  /** Environment values in `url`, by variable name. */
  secrets?: Readonly<Record<string, string>>;
}

/** Shown instead of a value that looks secret but did not come from the environment (a password, a `?token=`). */
export const REDACTED = '***';

// Query parameters that carry credentials by convention, alone or as a suffix (`auth_token`, `X-Amz-Signature`).
const SECRET_PARAM =
  /^(?:.*[_.-])?(?:token|key|api_?key|access_?token|secret|password|passwd|pwd|sig|signature|auth)$/i;
// A value shorter than this is too common to replace in free text ("en", "1"); the URL itself is still
// replaced whole, and its display form is built from what was written, not by search.
const MIN_SECRET_LENGTH = 3;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/**
 * A URL with its userinfo password and the values of secret-looking query parameters replaced by `***`,
 * as written otherwise (no re-encoding). `${NAME}` placeholders stay: they are already the display form.
 */
export function redactUrl(url: string): string {
  // Punctuation that ends a sentence or a clause ends the URL too ("redirect loop from https://...: ...").
  return url.replace(URL_IN_TEXT, (found) => {
    const tail = /[.,:;!?)\]]*$/.exec(found)![0];
    return redactOneUrl(found.slice(0, found.length - tail.length)) + tail;
  });
}

function redactOneUrl(url: string): string {
  const hide = (value: string) => (value === '' || PLACEHOLDER.test(value) ? value : REDACTED);
  const withoutPassword = url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):([^/?#@]*)@/i,
    (_m, head: string, password: string) => `${head}:${hide(password)}@`,
  );
  return withoutPassword.replace(/([?&;])([^=&;#]+)=([^&;#]*)/g, (m, sep: string, name: string, value: string) =>
    SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=${hide(value)}` : m,
  );
}

/**
 * A message with every secret of the given sources hidden: each source URL as its display form, each
 * environment value (also percent-encoded, as a URL carries it after a redirect) as `${NAME}`, and every
 * URL in it as redactUrl shows it.
 */
export function redactText(text: string, sources: readonly UrlSecrets[] = []): string {
  let out = text;
  for (const s of sources) {
    const shown = s.displayUrl ?? redactUrl(s.url);
    for (const form of urlForms(s.url)) out = out.split(form).join(shown);
  }
  for (const s of sources) {
    for (const [name, value] of Object.entries(s.secrets ?? {})) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const form of new Set([value, encodeURIComponent(value), encodeURI(value)]))
        out = out.split(form).join(`\${${name}}`);
    }
  }
  return redactUrl(out);
}

/** The URL as written and as Node's URL parser normalizes it, the form messages quote. */
function urlForms(url: string): string[] {
  try {
    const href = new URL(url).href;
    return href === url ? [url] : [url, href];
  } catch {
    return [url];
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
