// The store in plain Maps, for backtests and tests of the pipeline: its concerns' in-memory twins, with the
// same answers as RedisStore, tie orders included (order.ts), and the same retention.
import { MemoryAlertLog } from './alert-log.js';
import { ComposedStore } from './composed-store.js';
import { MemoryCounters } from './counter-store.js';
import { MemoryDigests } from './digests.js';
import { MemoryEvidence } from './evidence.js';
import { retention, type StoreOptions } from './options.js';
import { MemoryPictureLog } from './picture-log.js';
import { MemoryPicture } from './picture.js';
import { MemorySeen } from './seen.js';
import { MemorySendLog } from './send-log.js';
import { MemorySilences } from './silences.js';
import { MemorySourceState } from './source-state.js';

export class MemoryStore extends ComposedStore {
  constructor(opts: StoreOptions = {}) {
    const kept = retention(opts);
    const seen = new MemorySeen(kept);
    const alertLog = new MemoryAlertLog(kept);
    super({
      seen,
      evidence: new MemoryEvidence(kept),
      picture: new MemoryPicture(kept),
      pictureLog: new MemoryPictureLog(),
      sources: new MemorySourceState(seen),
      alertLog,
      sendLog: new MemorySendLog(kept, (key) => alertLog.hasGroup(key)),
      silences: new MemorySilences(kept),
      digests: new MemoryDigests(),
      counters: new MemoryCounters(),
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
