// A Store made of its concerns: each method goes to the one concern that owns it, and pruneAlerts asks each
// concern with a retention to prune its own, in the order their records depend on each other.
import type { AlertLogPrune, AlertLogStore } from './alert-log.js';
import type { CounterStore } from './counter-store.js';
import type { DigestStore } from './digests.js';
import type { EvidenceStore } from './evidence.js';
import type { PictureLog } from './picture-log.js';
import type { PictureStore } from './picture.js';
import { type AlertPrune, resolvedAt, type StoppedAt } from './records.js';
import { op } from './redis-base.js';
import type { SeenStore } from './seen.js';
import type { SendLogPrune, SendLogStore } from './send-log.js';
import type { SilenceStore } from './silences.js';
import type { SourceStore } from './source-state.js';
import type { Store } from './store.js';

/** The concerns a store is made of, the ones with a retention able to prune it. */
export interface StoreParts {
  seen: SeenStore;
  evidence: EvidenceStore;
  picture: PictureStore;
  pictureLog: PictureLog;
  sources: SourceStore;
  alertLog: AlertLogStore & { prune(now: number, stoppedAt: StoppedAt): Promise<AlertLogPrune> };
  sendLog: SendLogStore & { prune(now: number): Promise<SendLogPrune> };
  silences: SilenceStore & { prune(now: number): Promise<number> };
  digests: DigestStore;
  counters: CounterStore;
}

type Args<K extends keyof Store> = Store[K] extends (...args: infer A) => unknown ? A : never;

export abstract class ComposedStore implements Store {
  readonly pictureLog: PictureLog;

  constructor(private readonly parts: StoreParts) {
    this.pictureLog = parts.pictureLog;
  }

  markSeen(...a: Args<'markSeen'>) {
    return this.parts.seen.markSeen(...a);
  }
  isSeen(...a: Args<'isSeen'>) {
    return this.parts.seen.isSeen(...a);
  }

  addEvidence(...a: Args<'addEvidence'>) {
    return this.parts.evidence.addEvidence(...a);
  }
  listEvidence(...a: Args<'listEvidence'>) {
    return this.parts.evidence.listEvidence(...a);
  }
  purgeEvidence(...a: Args<'purgeEvidence'>) {
    return this.parts.evidence.purgeEvidence(...a);
  }
  addFingerprints(...a: Args<'addFingerprints'>) {
    return this.parts.evidence.addFingerprints(...a);
  }
  recentFingerprints(...a: Args<'recentFingerprints'>) {
    return this.parts.evidence.recentFingerprints(...a);
  }

  appendScenarioState(...a: Args<'appendScenarioState'>) {
    return this.parts.picture.appendScenarioState(...a);
  }
  scenarioHistory(...a: Args<'scenarioHistory'>) {
    return this.parts.picture.scenarioHistory(...a);
  }
  latestScenarioState() {
    return this.parts.picture.latestScenarioState();
  }
  getScenarioAlert(...a: Args<'getScenarioAlert'>) {
    return this.parts.picture.getScenarioAlert(...a);
  }
  setScenarioAlert(...a: Args<'setScenarioAlert'>) {
    return this.parts.picture.setScenarioAlert(...a);
  }
  setIndicatorStatus(...a: Args<'setIndicatorStatus'>) {
    return this.parts.picture.setIndicatorStatus(...a);
  }
  indicatorStatuses() {
    return this.parts.picture.indicatorStatuses();
  }

  getHealth(...a: Args<'getHealth'>) {
    return this.parts.sources.getHealth(...a);
  }
  setHealth(...a: Args<'setHealth'>) {
    return this.parts.sources.setHealth(...a);
  }
  allHealth() {
    return this.parts.sources.allHealth();
  }
  getValidators(...a: Args<'getValidators'>) {
    return this.parts.sources.getValidators(...a);
  }
  setValidators(...a: Args<'setValidators'>) {
    return this.parts.sources.setValidators(...a);
  }
  schedule(...a: Args<'schedule'>) {
    return this.parts.sources.schedule(...a);
  }
  reschedule(...a: Args<'reschedule'>) {
    return this.parts.sources.reschedule(...a);
  }
  unschedule(...a: Args<'unschedule'>) {
    return this.parts.sources.unschedule(...a);
  }
  dueSchedule(...a: Args<'dueSchedule'>) {
    return this.parts.sources.dueSchedule(...a);
  }
  scheduled() {
    return this.parts.sources.scheduled();
  }
  markStarted(...a: Args<'markStarted'>) {
    return this.parts.sources.markStarted(...a);
  }
  scheduleCheck() {
    return this.parts.sources.scheduleCheck();
  }
  recoverLostData(...a: Args<'recoverLostData'>) {
    return this.parts.sources.recoverLostData(...a);
  }
  warmUp(...a: Args<'warmUp'>) {
    return this.parts.sources.warmUp(...a);
  }

  getAlertGroup(...a: Args<'getAlertGroup'>) {
    return this.parts.alertLog.getAlertGroup(...a);
  }
  updateAlertGroup(...a: Args<'updateAlertGroup'>) {
    return this.parts.alertLog.updateAlertGroup(...a);
  }
  alertGroups() {
    return this.parts.alertLog.alertGroups();
  }
  alertGroupsAwaitingClearing() {
    return this.parts.alertLog.alertGroupsAwaitingClearing();
  }
  putAlerts(...a: Args<'putAlerts'>) {
    return this.parts.alertLog.putAlerts(...a);
  }
  getAlerts(...a: Args<'getAlerts'>) {
    return this.parts.alertLog.getAlerts(...a);
  }
  alertLabels(...a: Args<'alertLabels'>) {
    return this.parts.alertLog.alertLabels(...a);
  }

  getSendLog(...a: Args<'getSendLog'>) {
    return this.parts.sendLog.getSendLog(...a);
  }
  getSendLogs(...a: Args<'getSendLogs'>) {
    return this.parts.sendLog.getSendLogs(...a);
  }
  recordSend(...a: Args<'recordSend'>) {
    return this.parts.sendLog.recordSend(...a);
  }
  claimSend(...a: Args<'claimSend'>) {
    return this.parts.sendLog.claimSend(...a);
  }
  releaseSend(...a: Args<'releaseSend'>) {
    return this.parts.sendLog.releaseSend(...a);
  }

  addSilence(...a: Args<'addSilence'>) {
    return this.parts.silences.addSilence(...a);
  }
  silences() {
    return this.parts.silences.silences();
  }
  expireSilence(...a: Args<'expireSilence'>) {
    return this.parts.silences.expireSilence(...a);
  }

  appendDigestAlerts(...a: Args<'appendDigestAlerts'>) {
    return this.parts.digests.appendDigestAlerts(...a);
  }
  takeDigestAlerts(...a: Args<'takeDigestAlerts'>) {
    return this.parts.digests.takeDigestAlerts(...a);
  }
  peekDigestAlerts(...a: Args<'peekDigestAlerts'>) {
    return this.parts.digests.peekDigestAlerts(...a);
  }
  getDigestMark(...a: Args<'getDigestMark'>) {
    return this.parts.digests.getDigestMark(...a);
  }
  setDigestMark(...a: Args<'setDigestMark'>) {
    return this.parts.digests.setDigestMark(...a);
  }

  incrementCounters(...a: Args<'incrementCounters'>) {
    return this.parts.counters.incrementCounters(...a);
  }
  counters() {
    return this.parts.counters.counters();
  }

  /** The alert log first: a send-log goes only once its group is gone. */
  pruneAlerts(now: number, stoppedAt: StoppedAt = resolvedAt): Promise<AlertPrune> {
    return op('pruneAlerts', async () => {
      const alerts = await this.parts.alertLog.prune(now, stoppedAt);
      const sends = await this.parts.sendLog.prune(now);
      return { ...alerts, ...sends, silences: await this.parts.silences.prune(now) };
    });
  }

  abstract close(): Promise<void>;
}
