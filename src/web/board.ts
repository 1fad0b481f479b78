// The job board (bull-board). /queues is read-only (every write endpoint answers 405); /queues/admin, only
// mounted when an admin is configured, allows retry, remove and the rest. auth.ts decides who gets in.

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { Queues } from '../queue/index.js';

export const BOARD_PATH = '/queues';
export const ADMIN_BOARD_PATH = '/queues/admin';

export async function mountBoard(
  app: FastifyInstance,
  queues: Queues,
  basePath: string,
  readOnlyMode: boolean,
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  const list = [queues.tick, queues.fetch, queues.score, queues.deliver, queues.digest];
  createBullBoard({
    queues: list.map((q) => new BullMQAdapter(q, { readOnlyMode })),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: readOnlyMode ? 'Signpost jobs' : 'Signpost jobs (admin)',
        pollingInterval: { forceInterval: 10_000 },
      },
    },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: basePath });
}
