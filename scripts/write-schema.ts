// Writes config/watchbook.schema.json from the loader's schema; test/config/json-schema.test.ts fails
// when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { watchbookJsonSchema } from '../src/config/index.js';

const target = new URL('../config/watchbook.schema.json', import.meta.url);
writeFileSync(target, watchbookJsonSchema());
console.log(`wrote ${target.pathname}`);
