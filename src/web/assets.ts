// The pages' stylesheet and script as files on this origin: the CSP allows no inline script, so what the
// overview does in the browser comes from here. Kept in modules, so the build ships them with the code.

import type { FastifyInstance } from 'fastify';
import { OVERVIEW_CSS } from './assets/overview-css.js';
import { OVERVIEW_JS } from './assets/overview-js.js';

const ASSETS: Record<string, { type: string; body: string }> = {
  '/static/overview.css': { type: 'text/css; charset=utf-8', body: OVERVIEW_CSS },
  '/static/overview.js': { type: 'text/javascript; charset=utf-8', body: OVERVIEW_JS },
};

export function assetRoutes(app: FastifyInstance): void {
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (_req, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body));
  }
}
