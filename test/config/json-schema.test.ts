import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { watchbookJsonSchema } from '../../src/config/index.js';

describe('config/watchbook.schema.json', () => {
  it('is what the loader schema generates (run `npm run schema` after changing src/config/schema.ts)', () => {
    const committed = readFileSync(new URL('../../config/watchbook.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(watchbookJsonSchema());
  });

  it('documents fields for editors', () => {
    const schema = JSON.parse(watchbookJsonSchema()) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'version',
        'watch',
        'scenarios',
        'indicators',
        'sources',
        'rules',
        'tests',
        'routes',
        'receivers',
        'silences',
      ]),
    );
    expect(JSON.stringify(schema)).toContain('log-likelihood ratio in nats');
  });
});
