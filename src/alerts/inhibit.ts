// Inhibition, after Alertmanager's inhibitor (inhibit/inhibit.go, `Inhibitor.Mutes`): an alert matching a
// rule's target_matchers is muted while an alert matching its source_matchers fires and both carry the same
// value for every `equal` label. A label missing on both sides counts as equal (both read as ''), as in
// Alertmanager, whose label sets read a missing label as ''. An alert that matches both sides of a rule is not muted by alerts that also match
// both sides, itself included, so a rule cannot mute the very alerts that drive it.
//
// Which alerts fire is the caller's to say (pipeline/dispatch.ts: the firing alerts of the aggregation groups
// and the batch being dispatched); this is only the matching, pure.

import type { InhibitRule } from '../model/watchbook.js';
import { matchesMatchers } from './route.js';

type Labels = Readonly<Record<string, string>>;

/** The first rule under which one of the firing `sources` inhibits an alert with `labels`, or undefined. */
export function inhibitedBy(
  labels: Labels,
  sources: readonly Labels[],
  rules: readonly InhibitRule[],
): InhibitRule | undefined {
  return rules.find((rule) => {
    if (!matchesMatchers(labels, rule.targetMatchers)) return false;
    const twoSided = matchesMatchers(labels, rule.sourceMatchers);
    return sources.some(
      (source) =>
        matchesMatchers(source, rule.sourceMatchers) &&
        !(twoSided && matchesMatchers(source, rule.targetMatchers)) &&
        rule.equal.every((name) => (source[name] ?? '') === (labels[name] ?? '')),
    );
  });
}

/** Whether any rule could mute an alert with these labels, whatever fires: the cheap check before reading what fires. */
export function mayBeInhibited(labels: Labels, rules: readonly InhibitRule[]): boolean {
  return rules.some((rule) => matchesMatchers(labels, rule.targetMatchers));
}
