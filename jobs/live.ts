import type { Watchbook } from '../src/model/watchbook.js';
import { Matcher } from '../src/rules/index.js';

/**
 * The running watchbook and its compiled matcher, swapped together in one assignment on reload, so a job
 * sees either the old pair or the new one, never a mix.
 */
export class Live {
  private current: { watchbook: Watchbook; matcher: Matcher };

  constructor(watchbook: Watchbook) {
    this.current = { watchbook, matcher: new Matcher(watchbook.rules, watchbook.cues) };
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
    this.current = { watchbook, matcher: new Matcher(watchbook.rules, watchbook.cues) };
  }
}
