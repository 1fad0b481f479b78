// The picture log: what each scoring step added to the picture (its evidence and fingerprints), in the order
// the steps wrote it. A worker that holds the picture from its last step reads only the entries written
// since, instead of every piece of evidence in the scored span and thousands of fingerprints each time:
// a score job's reads stay the same size however long the watch has run.
//
//   full read (cursor C, then evidence and fingerprints) ... steps append entries C+1, C+2 ...
//   next step: since(C) -> [C, C+1, C+2] (C still there: nothing was missed) -> apply C+1, C+2
//
// The log is trimmed to its newest entries (LOG_LIMIT, about), and is gone when Redis lost its data; a
// reader whose cursor is no longer in it is told so (`continuous: false`) and reads the picture in full.
// Entries repeat what the evidence and fingerprint sets hold, so applying one twice changes nothing.
import type { Evidence, FingerprintEntry } from '../model/evidence.js';
import { parseJson, StoreError } from './errors.js';
import type { RedisClient } from './scripts.js';

/** Entries kept, about: a reader more steps behind than this reads the picture in full. */
export const LOG_LIMIT = 2_000;
/** Entries read at most in one go; a reader further behind reads the picture in full instead. */
export const LOG_READ_LIMIT = 1_000;

export interface PictureLogEntry {
  id: string;
  evidence: Evidence[];
  fingerprints: FingerprintEntry[];
}

export interface PictureLogRead {
  /** False when the cursor is no longer in the log (trimmed, or Redis lost its data): read in full. */
  continuous: boolean;
  /** Entries after the cursor, oldest first (empty when not continuous). */
  entries: PictureLogEntry[];
  /** The cursor to read from next time. */
  cursor: string;
}

export interface PictureLog {
  /** Appends one step's additions and returns the entry's id; a step that added nothing appends nothing. */
  append(evidence: readonly Evidence[], fingerprints: readonly FingerprintEntry[]): Promise<string | undefined>;
  /** The cursor at the log's end now (a mark written on an empty log): read it before a full read of the picture, then read since it. */
  cursor(): Promise<string>;
  /** Entries after `cursor` (a value cursor() or since() returned). */
  since(cursor: string): Promise<PictureLogRead>;
}

/**
 * The cursor of an empty log. cursor() never gives it: on an empty log it writes a mark (an entry adding
 * nothing) and gives that, so a log lost later (Redis lost its data) is told from a log with nothing new.
 */
const EMPTY = '0-0';
const MARK = JSON.stringify({ evidence: [], fingerprints: [] });

export class RedisPictureLog implements PictureLog {
  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
  ) {}

  async append(evidence: readonly Evidence[], fingerprints: readonly FingerprintEntry[]): Promise<string | undefined> {
    if (evidence.length === 0 && fingerprints.length === 0) return undefined;
    const data = JSON.stringify({ evidence, fingerprints });
    return (await this.client.xadd(this.key, 'MAXLEN', '~', LOG_LIMIT, '*', 'step', data)) ?? undefined;
  }

  async cursor(): Promise<string> {
    const last = await this.client.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? (await this.client.xadd(this.key, 'MAXLEN', '~', LOG_LIMIT, '*', 'step', MARK)) ?? EMPTY;
  }

  async since(cursor: string): Promise<PictureLogRead> {
    // Read from the cursor itself: finding it again proves no entry after it was trimmed away.
    const start = cursor === EMPTY ? '-' : cursor;
    const reply = await this.client.xrange(this.key, start, '+', 'COUNT', LOG_READ_LIMIT + 1);
    const entries = reply.map(([id, fields]) => entryOf(id, fields, this.key));
    return readFrom(cursor, entries);
  }
}

/**
 * The same log in memory, for the pipeline on a MemoryStore. An entry is kept as its JSON text, as Redis
 * keeps it (a caller's later edits never reach the log), and parsed only when a reader touches its evidence
 * or fingerprints: a holder skips its own entries unread, and most entries a step reads back are its own.
 */
export class MemoryPictureLog implements PictureLog {
  private entries: { id: string; json: string }[] = [];
  private next = 1;

  append(
    evidence: readonly Evidence[],
    fingerprints: readonly FingerprintEntry[],
    mark = false,
  ): Promise<string | undefined> {
    if (evidence.length === 0 && fingerprints.length === 0 && !mark) return Promise.resolve(undefined);
    const id = `${this.next++}-0`;
    this.entries.push({ id, json: JSON.stringify({ evidence, fingerprints }) });
    if (this.entries.length > LOG_LIMIT) this.entries = this.entries.slice(-LOG_LIMIT);
    return Promise.resolve(id);
  }

  async cursor(): Promise<string> {
    return this.entries.at(-1)?.id ?? (await this.append([], [], true))!;
  }

  since(cursor: string): Promise<PictureLogRead> {
    const from = cursor === EMPTY ? 0 : this.entries.findIndex((e) => e.id === cursor);
    const found = from < 0 ? [] : this.entries.slice(from, from + LOG_READ_LIMIT + 1);
    return Promise.resolve(
      readFrom(
        cursor,
        found.map(({ id, json }) => lazyEntry(id, json)),
      ),
    );
  }
}

/**
 * An entry whose evidence and fingerprints are parsed from `json` on first use, a fresh copy per entry; its
 * reader may change or replace them, as it could a plain entry.
 */
function lazyEntry(id: string, json: string): PictureLogEntry {
  let parsed: Omit<PictureLogEntry, 'id'> | undefined;
  const data = () => (parsed ??= JSON.parse(json) as Omit<PictureLogEntry, 'id'>);
  return {
    id,
    get evidence() {
      return data().evidence;
    },
    set evidence(value) {
      data().evidence = value;
    },
    get fingerprints() {
      return data().fingerprints;
    },
    set fingerprints(value) {
      data().fingerprints = value;
    },
  };
}

/** What a read from `cursor` found, given the entries from the cursor's own on (or from the start). */
function readFrom(cursor: string, found: PictureLogEntry[]): PictureLogRead {
  // From an empty log every entry is new; otherwise the first found must be the cursor's own.
  const entries = cursor === EMPTY ? found : found[0]?.id === cursor ? found.slice(1) : undefined;
  // More than one read holds may have been written since: reading in full is as quick, and certain.
  if (!entries || entries.length >= LOG_READ_LIMIT) return { continuous: false, entries: [], cursor };
  return { continuous: true, entries, cursor: entries.at(-1)?.id ?? cursor };
}

function entryOf(id: string, fields: string[], key: string): PictureLogEntry {
  const data = fields[1];
  if (fields[0] !== 'step' || data === undefined) throw new StoreError(`${key}: entry ${id} has no step`);
  const parsed = parseJson<{ evidence?: unknown; fingerprints?: unknown }>(data, key);
  if (!Array.isArray(parsed.evidence) || !Array.isArray(parsed.fingerprints))
    throw new StoreError(`${key}: entry ${id} is not a step`);
  return { id, evidence: parsed.evidence as Evidence[], fingerprints: parsed.fingerprints as FingerprintEntry[] };
}
