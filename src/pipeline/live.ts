// The running watchbook of a process and its compiled matcher, swapped as one on hot reload.
import type { Source, Watchbook } from '../model/watchbook.js';
import { Matcher } from '../rules/index.js';

/**
 * The running watchbook and its compiled matcher, swapped together in one assignment on reload, so a job
 * sees either the old pair or the new one, never a mix.
 */
export class Live {
  private current: { watchbook: Watchbook; matcher: Matcher; sources: Map<string, Source> };

  constructor(watchbook: Watchbook) {
    this.current = Live.pair(watchbook);
  }

  private static pair(watchbook: Watchbook) {
    return {
      watchbook,
      matcher: new Matcher(watchbook.rules, watchbook.cues),
      sources: new Map(watchbook.sources.map((s) => [s.id, s])),
    };
  }

  /** A source of the running watchbook by id: a fetch looks its source up among thousands. */
  source(id: string): Source | undefined {
    return this.current.sources.get(id);
  }

  get watchbook(): Watchbook {
    return this.current.watchbook;
  }

  get matcher(): Matcher {
    return this.current.matcher;
  }

  /** Both at once, for a job that uses both. */
  snapshot(): { watchbook: Watchbook; matcher: Matcher } {
    return this.current;
  }

  swap(watchbook: Watchbook): void {
    this.current = Live.pair(watchbook);
  }
}
