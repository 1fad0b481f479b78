// The analysts' feedback: POST /feedback judges a piece of evidence (useful, noise, wrong direction), POST
// /feedback/unmatched says an item no rule matched should have matched an indicator, and GET /unmatched lists
// those items. Behind the same basic auth as the overview; the judge is the basic-auth user. Writes from
// another site are refused (csrf.ts). A form gets 303 back to its page; a script (Accept: JSON) gets JSON.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EVIDENCE_VERDICTS, type Judgement, type Verdict } from '../model/feedback.js';
import type { WebContext } from './context.js';
import { crossSiteProblem } from './csrf.js';
import { VERDICT_LABEL } from './events.js';
import { ago, esc, link, page } from './html.js';
import { viewerOf } from './overview.js';
import { zonedTime } from './time.js';

const UNMATCHED_SHOWN = 100;
const MAX_FIELD = 1_000;
const SNIPPET = 280;

type Body = Record<string, string | undefined>;

function wantsJson(req: FastifyRequest): boolean {
  return String(req.headers.accept ?? '').includes('application/json');
}

function fail(req: FastifyRequest, reply: FastifyReply, code: number, message: string) {
  if (wantsJson(req)) return reply.code(code).send({ error: message });
  return reply
    .code(code)
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Not saved · Signpost',
        `<h1>Not saved</h1><p class="bad">${esc(message)}</p><p><a href="./">Back to the overview</a></p>`,
      ),
    );
}

/** Where to send the browser back: a path of this site only (no `//host`, no scheme), else the overview. */
export function safeBack(back: string | undefined, fallback: string): string {
  if (!back || back.length > MAX_FIELD || !/^\.?\/(?![/\\])[^\\\s]*$/.test(back)) return fallback;
  return back;
}

function field(body: Body, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' && v !== '' && v.length <= MAX_FIELD ? v : undefined;
}

/** The form's fields after the cross-site checks, or undefined when a reply was sent. */
async function checked(
  ctx: WebContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<{ body: Body; user: string } | undefined> {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Body;
  const viewer = await viewerOf(ctx, req);
  const problem = crossSiteProblem(req, await ctx.feedback.csrfSecret(), viewer.user, body.csrf);
  if (problem) {
    ctx.log.warn(
      { user: viewer.user, origin: req.headers.origin, sec_fetch_site: req.headers['sec-fetch-site'] },
      'Web: feedback refused as cross-site',
    );
    await fail(req, reply, 403, `Refused: ${problem}.`);
    return undefined;
  }
  return { body, user: viewer.user };
}

export function feedbackRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.post('/feedback', async (req, reply) => {
    const form = await checked(ctx, req, reply);
    if (!form) return reply;
    const verdict = form.body.verdict as Verdict | undefined;
    if (!verdict || !EVIDENCE_VERDICTS.includes(verdict))
      return fail(
        req,
        reply,
        400,
        `"verdict" must be one of ${EVIDENCE_VERDICTS.join(', ')}; got ${JSON.stringify(form.body.verdict ?? null)}`,
      );
    const id = field(form.body, 'evidence');
    if (!id) return fail(req, reply, 400, '"evidence" must name a piece of evidence');
    const e = await ctx.feedback.evidence(id);
    if (!e) return fail(req, reply, 404, `no evidence ${JSON.stringify(id)} is kept (it may have been pruned)`);
    const lang = ctx.watchbook().sources.find((s) => s.id === e.source)?.lang;
    await ctx.feedback.judge({
      verdict,
      user: form.user,
      at: ctx.now(),
      indicator: e.indicator,
      evidence: e.id,
      rule: e.rule,
      scenarios: e.scenarios,
      item: {
        key: e.itemKey,
        source: e.source,
        title: e.title,
        publishedAt: e.publishedAt,
        ...(e.url && { url: e.url }),
        ...(lang && { lang }),
      },
    });
    ctx.log.info({ user: form.user, rule_id: e.rule, evidence_id: e.id, verdict }, 'Feedback kept');
    return wantsJson(req)
      ? reply.send({ ok: true })
      : reply.code(303).header('location', safeBack(form.body.back, './')).send();
  });

  app.post('/feedback/unmatched', async (req, reply) => {
    const form = await checked(ctx, req, reply);
    if (!form) return reply;
    const wb = ctx.watchbook();
    const indicator = form.body.indicator;
    if (!indicator || !wb.indicators.some((i) => i.id === indicator))
      return fail(
        req,
        reply,
        400,
        `"indicator" must be one of ${wb.indicators.map((i) => i.id).join(', ')}; got ${JSON.stringify(indicator ?? null)}`,
      );
    const directions = [...wb.scenarios.map((s) => s.id), 'neutral'];
    const direction = form.body.direction || 'neutral';
    if (!directions.includes(direction))
      return fail(
        req,
        reply,
        400,
        `"direction" must be one of ${directions.join(', ')}; got ${JSON.stringify(direction)}`,
      );
    const key = field(form.body, 'item');
    if (!key) return fail(req, reply, 400, '"item" must name an unmatched item');
    const item = await ctx.feedback.unmatchedItem(key);
    if (!item) return fail(req, reply, 404, `no unmatched item ${JSON.stringify(key)} is kept (they are kept a week)`);
    const { seenAt: _, ...judged } = item;
    await ctx.feedback.judge({
      verdict: 'should-match',
      user: form.user,
      at: ctx.now(),
      indicator,
      direction,
      item: judged,
    });
    ctx.log.info({ user: form.user, item_id: key, indicator }, 'Feedback kept');
    return wantsJson(req)
      ? reply.send({ ok: true })
      : reply.code(303).header('location', safeBack(form.body.back, 'unmatched')).send();
  });

  app.get('/unmatched', async (req, reply) => {
    const wb = ctx.watchbook();
    const now = ctx.now();
    const [items, judgements, viewer] = await Promise.all([
      ctx.feedback.unmatched(UNMATCHED_SHOWN),
      ctx.feedback.judgements(),
      viewerOf(ctx, req),
    ]);
    const said = new Map<string, Judgement[]>();
    for (const j of judgements)
      if (j.verdict === 'should-match') said.set(j.item.key, [...(said.get(j.item.key) ?? []), j]);
    const options = (values: { id: string; title: string }[]) =>
      values.map((v) => `<option value="${esc(v.id)}">${esc(v.title)}</option>`).join('');
    const rows = items
      .map((item) => {
        const summary = item.summary
          ? `<div>${esc(item.summary.length > SNIPPET ? `${item.summary.slice(0, SNIPPET)}…` : item.summary)}</div>`
          : '';
        const marks = (said.get(item.key) ?? [])
          .map(
            (j) =>
              `<div class="ok">${esc(j.user)}: ${VERDICT_LABEL['should-match'].toLowerCase()} ${esc(j.indicator)} (${esc(j.direction ?? 'neutral')})</div>`,
          )
          .join('');
        return (
          `<tr><td><div class="snippet">${link(item.title, item.url)}</div>${summary}<div class="muted">${esc(item.source)} · ${esc(zonedTime(item.publishedAt, wb.watch.timezone))} (${esc(ago(item.publishedAt, now))})</div>${marks}` +
          `<form method="post" action="feedback/unmatched" class="um"><input type="hidden" name="csrf" value="${esc(viewer.csrf)}"><input type="hidden" name="item" value="${esc(item.key)}">` +
          `<input type="hidden" name="back" value="unmatched"><label>Should have matched <select name="indicator">${options(wb.indicators)}</select></label>` +
          `<label>toward <select name="direction"><option value="neutral">neither (neutral)</option>${options(wb.scenarios)}</select></label>` +
          `<button type="submit">${VERDICT_LABEL['should-match']}</button></form></td></tr>`
        );
      })
      .join('');
    const body =
      `<h1>Items no rule matched</h1><p class="muted">The newest ${UNMATCHED_SHOWN} items from watched sources that no rule matched, kept a week. ` +
      `Mark one that should have matched an indicator: it becomes a case for <code>signpost feedback export</code> and <code>signpost eval</code>. <a href="./">Overview</a></p>` +
      (rows ? `<table><tbody>${rows}</tbody></table>` : '<p class="muted">No unmatched items kept.</p>');
    return reply.type('text/html; charset=utf-8').send(page(`Unmatched items · Signpost`, body));
  });
}
