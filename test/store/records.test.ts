// The store restates the record shapes of alerts/ (it may import only model/): they must stay the same.
// expectTypeOf fails to compile (tsc --noEmit covers test/) the day one side changes without the other.
import { describe, expectTypeOf, it } from 'vitest';
import type { AlertGroup, GroupAlert, SendLog } from '../../src/alerts/group.js';
import type { RuntimeSilence } from '../../src/alerts/silence.js';
import type { AlertGroupRecord, GroupAlertRecord, SendLogRecord, SilenceRecord, Store } from '../../src/store/index.js';

describe('store records', () => {
  it('are the shapes alerts/ defines', () => {
    expectTypeOf<GroupAlertRecord>().toEqualTypeOf<GroupAlert>();
    expectTypeOf<AlertGroupRecord>().toEqualTypeOf<AlertGroup>();
    expectTypeOf<SendLogRecord>().toEqualTypeOf<SendLog>();
    expectTypeOf<SilenceRecord>().toEqualTypeOf<RuntimeSilence>();
  });

  it('go in and come out of the store as alerts/ types', () => {
    expectTypeOf<ReturnType<Parameters<Store['updateAlertGroup']>[2]>>().toEqualTypeOf<AlertGroup | undefined>();
    expectTypeOf<Awaited<ReturnType<Store['getAlertGroup']>>>().toEqualTypeOf<AlertGroup | undefined>();
    expectTypeOf<Awaited<ReturnType<Store['getSendLog']>>>().toEqualTypeOf<SendLog | undefined>();
    expectTypeOf<Awaited<ReturnType<Store['silences']>>>().toEqualTypeOf<RuntimeSilence[]>();
  });
});
