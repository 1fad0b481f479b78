// The store on Redis, shared by every worker process: its concerns on one client under one key prefix.
// Key names come from keys.ts; writes that must read first are Lua scripts (scripts.ts), writes that must go
// together are MULTI, and no hot path walks the keyspace: every read is a range on a sorted set or a hash.
import { RedisAlertLog } from './alert-log.js';
import { ComposedStore } from './composed-store.js';
import { RedisCounters } from './counter-store.js';
import { RedisDigests } from './digests.js';
import { RedisEvidence } from './evidence.js';
import { type StoreKeys, storeKeys } from './keys.js';
import { retention, type StoreOptions } from './options.js';
import { RedisPictureLog } from './picture-log.js';
import { RedisPicture } from './picture.js';
import type { RedisClient } from './scripts.js';
import { RedisSeen } from './seen.js';
import { RedisSendLog } from './send-log.js';
import { RedisSilences } from './silences.js';
import { RedisSourceState } from './source-state.js';

export interface RedisStoreOptions extends StoreOptions {
  /** Key prefix, hash-tagged (`signpost` becomes `{signpost}`). Default `{signpost}`. */
  prefix?: string;
  /** Close the client in close(). Default false: whoever made the client closes it. */
  ownsClient?: boolean;
  /** Most expired seen keys dropped per markSeen call, so a call after a long pause stays quick. Default 1000. */
  seenTrimBatch?: number;
}

export class RedisStore extends ComposedStore {
  readonly keys: StoreKeys;
  private readonly ownsClient: boolean;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    opts: RedisStoreOptions = {},
  ) {
    const keys = storeKeys(opts.prefix);
    const kept = retention(opts);
    super({
      seen: new RedisSeen(client, keys, kept, opts.seenTrimBatch),
      evidence: new RedisEvidence(client, keys, kept),
      picture: new RedisPicture(client, keys, kept),
      pictureLog: new RedisPictureLog(client, keys.pictureLog),
      sources: new RedisSourceState(client, keys),
      alertLog: new RedisAlertLog(client, keys, kept),
      sendLog: new RedisSendLog(client, keys, kept),
      silences: new RedisSilences(client, keys, kept),
      digests: new RedisDigests(client, keys),
      counters: new RedisCounters(client, keys),
    });
    this.keys = keys;
    this.ownsClient = opts.ownsClient ?? false;
  }

  /** Quits the client if this store owns it (once); otherwise leaves it to its owner. */
  async close(): Promise<void> {
    if (!this.ownsClient || this.closed) return;
    this.closed = true;
    await this.client.quit();
  }
}
