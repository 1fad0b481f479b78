// Builders for notify tests: a match alert with a full explanation, a scenario crossing, a source-health
// alert, notifications and a digest, each with overrides.
import type { Alert, AlertExplanation, Digest, Notification } from '../../src/model/alert.js';

export const AT = Date.UTC(2026, 0, 5, 7, 30);
export const WATCH = 'Ukraine peace framework: security guarantees & territorial settlement';
export const FROM = 'Signpost <signpost@example.org>';

export const HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(1)>',
  attr: '"><svg onload=alert(1)>',
  channel: 'Breaking <!channel> <https://evil.example|click here> & more',
} as const;

export function matchAlert(over: Partial<Alert> = {}, explanation: Partial<AlertExplanation> = {}): Alert {
  return {
    id: 'ev-kiis-2026-01|kiis-concessions',
    kind: 'match',
    labels: {
      kind: 'match',
      indicator: 'ukraine-polling',
      severity: 'high',
      source: 'kiis-reports',
      rule: 'kiis-concessions',
    },
    startsAt: AT,
    summary: 'KIIS poll: most Ukrainians reject territorial concessions',
    explanation: {
      title: 'KIIS poll: most Ukrainians reject territorial concessions',
      url: 'https://kiis.com.ua/?lang=eng&cat=reports&id=1520',
      rule: 'kiis-concessions',
      ruleTitle: 'A poll finds a majority against territorial concessions',
      terms: ['KIIS', 'territorial concessions'],
      context: '…a new KIIS survey finds 75% reject territorial concessions even in exchange for guarantees…',
      source: 'kiis-reports',
      credibility: 0.9,
      weights: { baseline: -0.4, risk: 0.8 },
      before: { baseline: 0.58, risk: 0.42 },
      after: { baseline: 0.42, risk: 0.58 },
      ...explanation,
    },
    ...over,
  };
}

export function scenarioAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'scenario-risk-enter-1767598200000',
    kind: 'scenario',
    labels: { kind: 'scenario', scenario: 'risk', severity: 'critical' },
    startsAt: AT,
    summary: 'risk 58% (entered)',
    explanation: {
      before: { baseline: 0.47, risk: 0.53 },
      after: { baseline: 0.42, risk: 0.58 },
      status: 'risk held at or above 55% for 6h',
    },
    ...over,
  };
}

export function healthAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'health-kiis-reports-timeout',
    kind: 'source-health',
    labels: { kind: 'source-health', source: 'kiis-reports', severity: 'high' },
    startsAt: AT,
    summary: 'kiis-reports failing for 3h (timeout)',
    explanation: {
      source: 'kiis-reports',
      reason: 'fetch: connection to kiis.com.ua timed out (ETIMEDOUT)',
      status: '6 failures in a row',
    },
    ...over,
  };
}

export function notification(alerts: Alert[], over: Partial<Notification> = {}): Notification {
  return {
    receiver: 'desk',
    groupKey: '{}/{severity=~"high|critical"}:{indicator="ukraine-polling"}',
    groupLabels: { indicator: 'ukraine-polling' },
    alerts,
    id: 'n-7f3a9c01',
    ...over,
  };
}

export function digest(over: Partial<Digest> = {}): Digest {
  return {
    receiver: 'analysts-digest',
    watchTitle: WATCH,
    from: AT - 24 * 3_600_000,
    to: AT,
    scenarios: [
      { id: 'risk', title: 'The framework stalls or collapses', probability: 0.58, change: 0.06 },
      { id: 'baseline', title: 'The framework proceeds', probability: 0.42, change: -0.06 },
    ],
    indicators: [
      {
        id: 'ukraine-polling',
        title: 'Ukrainian public opinion on territorial concessions',
        status: 'active',
        evidence: [
          {
            title: 'KIIS poll: most Ukrainians reject territorial concessions',
            url: 'https://kiis.com.ua/?lang=eng&cat=reports&id=1520',
            source: 'kiis-reports',
            rule: 'kiis-concessions',
            terms: ['KIIS', 'territorial concessions'],
            weights: { baseline: -0.4, risk: 0.8 },
          },
        ],
      },
      { id: 'miami-working-group', title: 'Working-group meetings in Miami', status: 'overdue', evidence: [] },
    ],
    events: [
      {
        at: AT - 3 * 3_600_000,
        title: 'KIIS poll: most Ukrainians reject territorial concessions',
        url: 'https://kiis.com.ua/?lang=eng&cat=reports&id=1520',
        source: 'kiis-reports',
        terms: ['KIIS', 'territorial concessions'],
        sources: ['kiis-reports'],
        rules: ['kiis-concessions'],
        indicators: ['ukraine-polling'],
        weights: { baseline: -0.4, risk: 0.8 },
      },
    ],
    sources: '28 of 30 sources fine; failing: kiis-reports (timeout), meduza (http-5xx)',
    id: 'digest-analysts-2026-01-05',
    ...over,
  };
}

/**
 * Checks that an HTML document holds only the tags and attributes our templates write, with quoted
 * values and http(s) links: whatever a headline carried cannot have become markup. Returns the problems.
 */
export function foreignMarkup(html: string): string[] {
  const tags = new Set([
    'html',
    'head',
    'meta',
    'title',
    'body',
    'p',
    'h1',
    'h2',
    'h3',
    'table',
    'tr',
    'th',
    'td',
    'a',
    'mark',
    'ul',
    'li',
    'hr',
    'br',
    'span',
    'img',
  ]);
  const attributes = new Set([
    'lang',
    'charset',
    'name',
    'content',
    'style',
    'align',
    'valign',
    'role',
    'cellspacing',
    'cellpadding',
    'href',
    'src',
    'alt',
    'width',
    'height',
    'colspan',
  ]);
  const problems: string[] = [];
  const body = html.replace(/^<!doctype html>/i, '');
  if (body.includes('<!')) problems.push('comment or declaration');
  for (const m of body.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [tag, , name = '', attrs = ''] = m;
    if (!tags.has(name.toLowerCase())) problems.push(`tag ${tag}`);
    const rest = attrs.replace(/\s+([a-z-]+)="([^"<>]*)"/g, (_all, attr: string, value: string) => {
      if (!attributes.has(attr)) problems.push(`attribute ${attr} in ${tag}`);
      if (attr === 'href' && !/^https?:\/\//.test(value)) problems.push(`href ${value}`);
      // Pictures travel inside the message: a src is a Content-ID, never a URL a client would fetch.
      if (attr === 'src' && !/^cid:[a-z0-9-]+@signpost\.invalid$/.test(value)) problems.push(`src ${value}`);
      return '';
    });
    if (rest.trim()) problems.push(`unparsed ${rest.trim()} in ${tag}`);
  }
  // A "<" that does not start one of our tags must not be there at all: text is escaped.
  const stray = body.replace(/<(\/?)([a-z0-9]+)(\s+[a-z-]+="[^"<>]*")*\s*>/g, '');
  if (stray.includes('<') || stray.includes('>')) problems.push('stray angle bracket');
  return problems;
}
