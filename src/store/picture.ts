// The picture scoring keeps: the history of scenario states (one per instant, the newest `historyLimit`
// kept), each indicator's status, and each scenario's alert state (its hysteresis between steps).
import type { IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import { checkBound, checkTime, parseJson } from './errors.js';
import type { StoreKeys } from './keys.js';
import { read, readAll, settle, take } from './memory-base.js';
import { limitCount, type Retention } from './options.js';
import { compareCodePoints } from './order.js';
import { allJson, exec, getJson, op } from './redis-base.js';
import type { RedisClient } from './scripts.js';

export type IndicatorStatuses = Record<string, { status: IndicatorStatus; at: number }>;

export interface PictureStore {
  /** One state per instant: a state at an `at` already held replaces it. Only the newest `historyLimit` are kept. */
  appendScenarioState(state: ScenarioState): Promise<void>;
  /** States at or after `since`, oldest first, at most the newest `limit`. */
  scenarioHistory(since: number, limit: number): Promise<ScenarioState[]>;
  latestScenarioState(): Promise<ScenarioState | undefined>;
  getScenarioAlert(scenario: string): Promise<ScenarioAlertState | undefined>;
  setScenarioAlert(scenario: string, state: ScenarioAlertState): Promise<void>;
  setIndicatorStatus(indicator: string, status: IndicatorStatus, at: number): Promise<void>;
  /** Every indicator's status, by indicator. */
  indicatorStatuses(): Promise<IndicatorStatuses>;
}

export class RedisPicture implements PictureStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly retention: Retention,
  ) {}

  appendScenarioState(state: ScenarioState): Promise<void> {
    return op('appendScenarioState', async () => {
      checkTime('scenario state: at', state.at);
      const key = this.keys.scenarioHistory;
      // One picture per instant: a rerun at the same `at` replaces what an earlier run wrote.
      await exec(
        this.client
          .multi()
          .zremrangebyscore(key, state.at, state.at)
          .zadd(key, state.at, JSON.stringify(state))
          .zremrangebyrank(key, 0, -(this.retention.historyLimit + 1)),
      );
    });
  }

  scenarioHistory(since: number, limit: number): Promise<ScenarioState[]> {
    return op('scenarioHistory', async () => {
      checkBound('scenarioHistory: since', since);
      const count = limitCount(limit);
      if (count === 0) return [];
      const newest = await this.client.zrevrangebyscore(this.keys.scenarioHistory, '+inf', since, 'LIMIT', 0, count);
      return newest.reverse().map((json) => parseJson<ScenarioState>(json, this.keys.scenarioHistory));
    });
  }

  latestScenarioState(): Promise<ScenarioState | undefined> {
    return op('latestScenarioState', async () => {
      const [json] = await this.client.zrange(this.keys.scenarioHistory, -1, -1);
      return json === undefined ? undefined : parseJson<ScenarioState>(json, this.keys.scenarioHistory);
    });
  }

  getScenarioAlert(scenario: string): Promise<ScenarioAlertState | undefined> {
    return op('getScenarioAlert', () => getJson<ScenarioAlertState>(this.client, this.keys.scenarioAlert, scenario));
  }

  setScenarioAlert(scenario: string, state: ScenarioAlertState): Promise<void> {
    return op('setScenarioAlert', async () => {
      await this.client.hset(this.keys.scenarioAlert, scenario, JSON.stringify(state));
    });
  }

  setIndicatorStatus(indicator: string, status: IndicatorStatus, at: number): Promise<void> {
    return op('setIndicatorStatus', async () => {
      checkTime(`indicator ${indicator}: at`, at);
      await this.client.hset(this.keys.indicatorStatus, indicator, JSON.stringify({ status, at }));
    });
  }

  indicatorStatuses(): Promise<IndicatorStatuses> {
    return op('indicatorStatuses', async () => {
      const all = await allJson<{ status: IndicatorStatus; at: number }>(this.client, this.keys.indicatorStatus);
      return Object.fromEntries(all.sort(([a], [b]) => compareCodePoints(a, b)));
    });
  }
}

export class MemoryPicture implements PictureStore {
  /** Sorted by `at`, one state per instant. */
  private history: { at: number; json: string }[] = [];
  private readonly alerts = new Map<string, string>();
  private readonly statuses = new Map<string, string>();

  constructor(private readonly retention: Retention) {}

  appendScenarioState(state: ScenarioState): Promise<void> {
    return settle(() => {
      checkTime('scenario state: at', state.at);
      const entry = { at: state.at, json: JSON.stringify(state) };
      const i = this.history.findLastIndex((h) => h.at <= state.at);
      if (this.history[i]?.at === state.at) this.history[i] = entry;
      else this.history.splice(i + 1, 0, entry);
      const excess = this.history.length - this.retention.historyLimit;
      if (excess > 0) this.history = this.history.slice(excess);
    });
  }

  scenarioHistory(since: number, limit: number): Promise<ScenarioState[]> {
    return settle(() => {
      checkBound('scenarioHistory: since', since);
      const newest = take(this.history.filter((h) => h.at >= since).reverse(), limit);
      return newest.reverse().map((h) => parseJson<ScenarioState>(h.json, 'scenario history'));
    });
  }

  latestScenarioState(): Promise<ScenarioState | undefined> {
    return settle(() => {
      const last = this.history.at(-1);
      return last && parseJson<ScenarioState>(last.json, 'scenario history');
    });
  }

  getScenarioAlert(scenario: string): Promise<ScenarioAlertState | undefined> {
    return settle(() => read<ScenarioAlertState>(this.alerts, scenario));
  }

  setScenarioAlert(scenario: string, state: ScenarioAlertState): Promise<void> {
    return settle(() => void this.alerts.set(scenario, JSON.stringify(state)));
  }

  setIndicatorStatus(indicator: string, status: IndicatorStatus, at: number): Promise<void> {
    return settle(() => {
      checkTime(`indicator ${indicator}: at`, at);
      this.statuses.set(indicator, JSON.stringify({ status, at }));
    });
  }

  indicatorStatuses(): Promise<IndicatorStatuses> {
    return settle(() => Object.fromEntries(readAll<{ status: IndicatorStatus; at: number }>(this.statuses)));
  }
}
