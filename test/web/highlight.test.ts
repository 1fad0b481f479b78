import { describe, expect, it } from 'vitest';
import { highlight } from '../../src/web/highlight.js';

describe('highlight', () => {
  // prettier-ignore
  it.each([
    ['a plain word, any case', 'Convoy seen near CONVOY route', ['convoy'], '<mark>Convoy</mark> seen near <mark>CONVOY</mark> route'],
    ['whole words only', 'Convoys and reconvoy', ['convoy'], 'Convoys and reconvoy'],
    ['a prefix term', 'Kyiv rejects the plan', ['reject*'], 'Kyiv <mark>rejects</mark> the plan'],
    ['a quoted phrase with a prefix, any spacing', 'No territorial   concessions, says Rada', ['"territorial concession*"'], 'No <mark>territorial   concessions</mark>, says Rada'],
    ['Cyrillic', 'Опитування КМІС: проти поступок', ['опитування', 'проти'], '<mark>Опитування</mark> КМІС: <mark>проти</mark> поступок'],
    ['overlapping terms merge', 'security guarantees offered', ['security guarantee*', 'guarantees'], '<mark>security guarantees</mark> offered'],
    ['regex terms are left alone', 'Article 5 style', ['re:article\\s+5'], 'Article 5 style'],
    ['markup in the title is escaped, in and out of marks', '<b>convoy</b> & <i>', ['convoy'], '&lt;b&gt;<mark>convoy</mark>&lt;/b&gt; &amp; &lt;i&gt;'],
    ['regex characters in a term are literal', 'a (b) c+ d ccc', ['c+'], 'a (b) <mark>c+</mark> d ccc'],
    ['no terms', 'Plain <title>', [], 'Plain &lt;title&gt;'],
  ])('%s', (_name, text, terms, want) => {
    expect(highlight(text, terms)).toBe(want);
  });
});
