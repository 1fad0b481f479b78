// The YAML shape of a watchbook file, and the one place each field is documented: the JSON Schema that
// editors show is generated from these descriptions (scripts/write-schema.ts). Every file of a watchbook
// folder has this shape; the sections of all files are merged, then required sections are checked.

import * as z from 'zod';
import type { MatchExpr } from '../model/watchbook.js';
import { FIELDS, HEDGED_ACTIONS, NEGATED_ACTIONS, SEVERITIES } from '../model/watchbook.js';
import { DURATION_PATTERN } from './duration.js';
import { RESERVED_ID_MESSAGE, RESERVED_IDS } from './reserved.js';
import { EVIDENCE_WORDS } from './weights.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected an id of lower-case letters, digits and "-"', abort: true })
  .refine((s) => !RESERVED_IDS.has(s), { error: RESERVED_ID_MESSAGE, abort: true });
const duration = z.string().regex(new RegExp(DURATION_PATTERN), {
  error: 'expected a duration such as 30s, 15m, 6h, 1h30m or 30d',
});
const date = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    error: 'expected a date such as 2026-06-01 or 2026-06-01T09:00:00Z',
  });
const probability = z.number().gt(0).lt(1);
// Digests link here, so it must open in a mail client: an absolute http(s) URL without credentials.
const publicUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  },
  {
    error:
      'expected an absolute http(s) URL without credentials, query or fragment, such as https://signpost.example.org/',
  },
);
const words = z.array(z.string().min(1));

const field = z.enum(FIELDS as [string, ...string[]]);

export const MatchExprSchema: z.ZodType<MatchExpr> = z.lazy(() =>
  z.union([
    z.string().min(1).describe('A term: word, prefix*, "a phrase", or re:PATTERN'),
    z.array(MatchExprSchema).describe('Any one of these'),
    z
      .strictObject({
        all: z.array(MatchExprSchema).optional().describe('Every one of these must match'),
        any: z.array(MatchExprSchema).optional().describe('At least one of these must match'),
        none: z.array(MatchExprSchema).optional().describe('None of these may match'),
        near: z
          .strictObject({
            terms: z.array(MatchExprSchema).describe('One of these must occur ...'),
            within: z
              .union([z.number().int().positive(), z.literal('sentence')])
              .describe('... within this many words, or `sentence`: in the same sentence ...'),
            of: z
              .array(MatchExprSchema)
              .optional()
              .describe('... of one of these (default: what the sibling all/any matched)'),
          })
          .optional(),
        fields: z.array(field).optional().describe('Look for the nested terms only in these fields'),
      })
      .describe('All of the given parts must hold'),
  ]),
) as z.ZodType<MatchExpr>;

const testItem = z.union([
  z.string().describe('The title of the item'),
  z.strictObject({
    title: z.string(),
    summary: z.string().optional(),
    content: z.string().optional(),
    url: z.string().optional(),
    source: id.optional().describe('A source id; the item gets its tags'),
    lang: z.string().optional(),
    tags: words.optional(),
  }),
]);

const scenario = z.strictObject({
  title: z.string(),
  description: z.string().optional(),
  prior: probability.describe('Prior probability; priors are normalized to sum to 1'),
  alert: z
    .strictObject({
      enter: probability.describe('Alert when the probability rises to this ...'),
      exit: probability.describe('... and clear when it falls below this (lower than enter)'),
      for: duration.optional().describe('... after holding above enter this long (default 0s)'),
    })
    .optional(),
});

const indicator = z.strictObject({
  title: z.string(),
  description: z.string().optional(),
  window: z
    .strictObject({
      from: date,
      to: date,
      every: duration.optional().describe('Poll the sources this often inside the window'),
    })
    .optional()
    .describe('When the indicator is expected to move'),
  expect: z
    .strictObject({ every: duration })
    .optional()
    .describe('Evidence expected at least this often, else the indicator is overdue'),
  half_life: duration.optional().describe('Evidence weight halves every half_life (default 30d, at most 100d)'),
  cap: z
    .number()
    .positive()
    .optional()
    .describe("The most this indicator's evidence moves a scenario's log-odds, in nats (default 3)"),
});

const source = z.strictObject({
  id,
  title: z.string().optional(),
  type: z
    .enum(['rss', 'html', 'json'])
    .describe('rss: RSS or Atom; json: JSON Feed; html: a list page read with select'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  every: duration.optional().describe('Polling interval outside indicator windows (default 30m)'),
  credibility: z.number().min(0).max(1).describe('How much an item from here corroborates, 0 to 1'),
  lang: z.string().regex(/^[a-z]{2,3}$/, { error: 'expected a language code such as en, uk, ru' }),
  tags: words.optional(),
  select: z
    .strictObject({
      item: z.string(),
      title: z.string(),
      link: z.string().describe('CSS selector; selector@attr takes an attribute'),
      date: z.string().optional(),
      summary: z.string().optional(),
    })
    .optional()
    .describe('CSS selectors of an html list page'),
});

const weight = z.union([
  z.number(),
  z.enum(Object.keys(EVIDENCE_WORDS) as [string, ...string[]], {
    error: `expected a number of nats or one of ${Object.keys(EVIDENCE_WORDS).join(', ')}`,
  }),
]);

const rule = z.strictObject({
  id,
  indicator: id,
  title: z.string().optional(),
  description: z.string().optional(),
  when: z
    .strictObject({ source: z.array(id).optional(), tag: words.optional(), lang: words.optional() })
    .optional()
    .describe('Filters on the item: each list given must hold'),
  fields: z.array(field).optional().describe('Where terms are looked for (default title, summary, content)'),
  match: MatchExprSchema,
  evidence: z
    .record(id, weight)
    .describe('Per scenario: log-likelihood ratio in nats, or strong/moderate/weak/against-*'),
  severity: z
    .enum(SEVERITIES as [string, ...string[]])
    .optional()
    .describe('Default low'),
  negated: z
    .enum(NEGATED_ACTIONS)
    .optional()
    .describe(
      'When a negator governs a matched term ("fail to agree"): ignore the match (default), count it the opposite way, or count it',
    ),
  hedged: z
    .enum(HEDGED_ACTIONS)
    .optional()
    .describe(
      'When a hedge governs a matched term ("may agree"): reduce it to half weight (default), ignore it, or count it',
    ),
  tests: z
    .strictObject({ match: z.array(testItem).optional(), no_match: z.array(testItem).optional() })
    .optional()
    .describe('Inline examples this rule must and must not match'),
});

const ruleTest = z.strictObject({
  name: z.string(),
  item: testItem.optional(),
  items: z.array(testItem).optional(),
  match: z.array(id).optional().describe('Rules that must match every item'),
  no_match: z.array(id).optional().describe('Rules that must not match any item'),
  scenario: id.optional().describe('The summed weights of the matches must favour this scenario'),
});

const cueList = z
  .record(
    z.string().regex(/^[a-z]{2,3}$/, { error: 'expected a language code such as en, uk, ru' }),
    z.array(z.string().min(1)),
  )
  .describe('Per language, terms (word, prefix*, or a phrase) to add to the built-in list');

const cues = z
  .strictObject({ negators: cueList.optional(), hedges: cueList.optional() })
  .describe(
    'Words that negate ("rejects", "відхилила") or hedge a matched term a few words after them in the same clause',
  );

const labelMatch = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

export interface RouteIn {
  receiver?: string;
  match?: Record<string, string | string[]>;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: RouteIn[];
}

const RouteSchema: z.ZodType<RouteIn> = z.lazy(() =>
  z.strictObject({
    receiver: id.optional(),
    match: labelMatch
      .optional()
      .describe(
        'Labels this route takes: a value or a list of values each. Labels: kind, indicator, scenario, severity, source, rule',
      ),
    matchers: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Alertmanager matchers, all of which must hold (besides match): \'severity=~"high|critical"\', \'kind!="match"\', \'source!~"kiis-.*"\'. =~ and !~ take a regex that must match the whole value',
      ),
    continue: z.boolean().optional().describe('Go on to later sibling routes after this one matched'),
    group_by: words.optional(),
    group_wait: duration.optional(),
    group_interval: duration.optional(),
    repeat_interval: duration.optional(),
    mute_time_intervals: z
      .array(id)
      .optional()
      .describe(
        'Names of time_intervals inside which this route sends nothing; what still fires when they end is sent then. Not inherited; not on the root',
      ),
    active_time_intervals: z
      .array(id)
      .optional()
      .describe('Names of time_intervals outside which this route sends nothing. Not inherited; not on the root'),
    routes: z.array(RouteSchema).optional(),
  }),
);

const receiver = z.strictObject({
  email: z.strictObject({ to: z.array(z.string().min(3)).min(1) }).optional(),
  slack: z.strictObject({ webhook: z.string().describe('Incoming webhook URL; use ${ENV}') }).optional(),
  webhook: z
    .strictObject({
      url: z.string().describe('Where the JSON body is posted (http or https); use ${ENV} if it holds a token'),
      secret: z.string().describe('HMAC-SHA256 key of the X-Signpost-Signature header; use ${ENV}'),
    })
    .optional()
    .describe(
      'A generic webhook: each notification and digest as signed JSON (docs/watchbook.md has the body and how to verify it)',
    ),
  digest: z.string().optional().describe('A cron schedule: collect alerts and send one digest each time'),
  digest_when_empty: z
    .boolean()
    .optional()
    .describe('Send the digest even when it collected nothing since the last one (default: skip it)'),
});

const silence = z.strictObject({
  matchers: labelMatch.describe(
    'Labels the silence mutes: a value or a list of values each (kind, indicator, scenario, severity, source, rule)',
  ),
  starts: date,
  ends: date,
  author: z.string(),
  comment: z.string(),
});

const range = (example: string) =>
  z.array(z.string().min(1)).min(1).optional().describe(`Any of these, each one or a range, inclusive: ${example}`);

const timeInterval = z
  .strictObject({
    times: z
      .array(
        z.strictObject({
          start_time: z.string().describe('HH:MM, inclusive'),
          end_time: z
            .string()
            .describe(
              'HH:MM, exclusive; 24:00 is the end of the day. A range does not cross midnight: split it in two',
            ),
        }),
      )
      .min(1)
      .optional(),
    weekdays: range("'monday:friday', 'saturday' (the week starts on sunday)"),
    days_of_month: range("'1:7', '-1' (the last day; negative days count from the month's end)"),
    months: range("'january:march', '12'"),
    years: range("'2026', '2026:2027'"),
  })
  .describe(
    "Holds when every field given holds, on the wall clock of the watch's time zone; a field left out always holds",
  );

const matcherList = (what: string) =>
  z
    .array(z.string().min(1))
    .min(1)
    .describe(
      `${what}: Alertmanager matchers, all of which must hold, e.g. 'kind="scenario"', 'severity=~"high|critical"'`,
    );

const inhibitRule = z
  .strictObject({
    source_matchers: matcherList('The alerts that inhibit, while they fire'),
    target_matchers: matcherList('The alerts they inhibit'),
    equal: words
      .optional()
      .describe(
        'Labels the source and the target must share (a label both lack counts as shared); default none: any firing source inhibits every target',
      ),
  })
  .describe(
    'While a source alert fires, target alerts with the same `equal` labels are not sent to Slack or email; digests still collect them',
  );

export const WatchbookFileSchema = z
  .strictObject({
    version: z.literal(1).optional(),
    watch: z
      .strictObject({
        id,
        title: z.string(),
        timezone: z.string().optional().describe('IANA time zone for digests and windows (default UTC)'),
        contact: z.string().optional().describe('Contact address sent in the User-Agent of every request'),
        public_url: publicUrl
          .optional()
          .describe(
            'Where readers reach the web role (its overview), e.g. https://signpost.example.org/; digests link to it. Absent: digests carry no link to the overview',
          ),
        allow_private: z
          .boolean()
          .optional()
          .describe(
            'Let sources and their redirects reach loopback and private addresses (default false: refused, against SSRF)',
          ),
      })
      .optional(),
    scenarios: z.record(id, scenario).optional(),
    indicators: z.record(id, indicator).optional(),
    sources: z.array(source).optional(),
    rules: z.array(rule).optional(),
    cues: cues.optional(),
    tests: z.array(ruleTest).optional(),
    routes: RouteSchema.optional(),
    receivers: z.record(id, receiver).optional(),
    silences: z.array(silence).optional(),
    inhibit_rules: z
      .array(inhibitRule)
      .optional()
      .describe('Alertmanager inhibit rules: a firing alert mutes the alerts it explains'),
    time_intervals: z
      .record(id, z.array(timeInterval).min(1))
      .optional()
      .describe(
        "Named time intervals (any of their entries), for routes' mute_time_intervals and active_time_intervals",
      ),
  })
  .describe(
    'A Signpost watchbook, or one file of a watchbook folder. Each file may be at most 1 MiB: a bigger one is refused before it is parsed',
  );

export type WatchbookFile = z.infer<typeof WatchbookFileSchema>;
export type RuleIn = z.infer<typeof rule>;
export type TestItemIn = z.infer<typeof testItem>;
export type TimeIntervalIn = z.infer<typeof timeInterval>;
