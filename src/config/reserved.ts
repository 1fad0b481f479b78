// Names a watchbook may not use as an id or a key: JavaScript objects reserve them. As a key, `__proto__`
// was silently dropped (a scenario vanished and the message was "needs at least two scenarios"), and
// `constructor` reads through to Object.prototype wherever an id indexes a plain object.
import { isScalar, visit } from 'yaml';
import type { Problem } from './problem.js';
import type { YamlFile } from './yaml-file.js';

export const RESERVED_IDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const RESERVED_ID_MESSAGE =
  'expected an id other than __proto__, constructor or prototype (JavaScript objects reserve them)';

/** Every mapping key of the file that is a reserved name, at the key. */
export function reservedKeyProblems(file: YamlFile): Problem[] {
  const problems: Problem[] = [];
  visit(file.doc, {
    Pair: (_key, pair) => {
      if (isScalar(pair.key) && RESERVED_IDS.has(String(pair.key.value))) {
        problems.push(
          file.problemAt(
            pair.key.range?.[0] ?? 0,
            `"${String(pair.key.value)}" cannot be an id or a key: JavaScript objects reserve it`,
          ),
        );
      }
    },
  });
  return problems;
}
