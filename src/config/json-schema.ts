// The JSON Schema of watchbook files, for editors, generated from the schema the loader checks with.
import * as z from 'zod';
import { WatchbookFileSchema } from './schema.js';

/** The JSON Schema editors (the YAML language server) use to autocomplete and check watchbook files, from the loader's own schema.
 * Draft 7, the version YAML editors support best. */
export function watchbookJsonSchema(): string {
  const schema = z.toJSONSchema(WatchbookFileSchema, { io: 'input', target: 'draft-7' });
  return `${JSON.stringify({ ...schema, title: 'Signpost watchbook' }, null, 2)}\n`;
}
