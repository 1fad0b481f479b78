// Evidence words and the log-likelihood ratios (nats) they stand for. `strong` is e^1 ≈ 2.7 times as likely
// to be seen under the scenario as otherwise: roughly the CC rating of Analysis of Competing Hypotheses.
export const EVIDENCE_WORDS = {
  strong: 1.0,
  moderate: 0.5,
  weak: 0.2,
  'against-weak': -0.2,
  'against-moderate': -0.5,
  'against-strong': -1.0,
} as const;

export type EvidenceWord = keyof typeof EVIDENCE_WORDS;

export function evidenceNats(weight: number | EvidenceWord): number {
  return typeof weight === 'number' ? weight : EVIDENCE_WORDS[weight];
}
