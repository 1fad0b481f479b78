import { describe, expect, it } from 'vitest';
import { insideTimeInterval, routeMuted } from '../../src/alerts/index.js';
import {
  parseDaysOfMonth,
  parseMonths,
  parseTimeRange,
  parseWeekdays,
  parseYears,
} from '../../src/config/time-interval.js';
import type { TimeIntervalSpec } from '../../src/model/watchbook.js';

// Time intervals as tables: an interval, an instant (UTC, with the Kyiv wall clock beside it) and whether the
// instant is inside, read in Europe/Kyiv unless said otherwise. Kyiv is UTC+2 in winter and UTC+3 in summer;
// in 2026 the clocks go from 03:00 to 04:00 on Sunday 29 March, and from 04:00 back to 03:00 on Sunday 25
// October. 2026-03-25 is a Wednesday.

const KYIV = 'Europe/Kyiv';
const at = (iso: string) => Date.parse(iso);
const hm = (h: number, m = 0) => h * 60 + m;

const MON = 1;
const FRI = 5;
const SAT = 6;
const officeHours: TimeIntervalSpec[] = [
  { weekdays: [[MON, FRI]], times: [{ startMinute: hm(8), endMinute: hm(18) }] },
];
/** Friday night, across midnight: two ranges, as Alertmanager has it written. */
const fridayNight: TimeIntervalSpec[] = [
  { weekdays: [[FRI, FRI]], times: [{ startMinute: hm(22), endMinute: hm(24) }] },
  { weekdays: [[SAT, SAT]], times: [{ startMinute: 0, endMinute: hm(6) }] },
];
const threeToFour: TimeIntervalSpec[] = [{ times: [{ startMinute: hm(3), endMinute: hm(4) }] }];
const lastDayOfMonth: TimeIntervalSpec[] = [{ daysOfMonth: [[-1, -1]] }];
const winter2026: TimeIntervalSpec[] = [
  { months: [[12, 12]], years: [[2026, 2026]] },
  { months: [[1, 2]], years: [[2027, 2027]] },
];

describe('insideTimeInterval', () => {
  it.each<[string, TimeIntervalSpec[], string, boolean, string?]>([
    ['office hours: 08:00 on a Wednesday in winter is inside', officeHours, '2026-03-25T06:00:00Z', true],
    ['office hours: 07:59 is outside', officeHours, '2026-03-25T05:59:00Z', false],
    ['office hours: 17:59 is inside', officeHours, '2026-03-25T15:59:00Z', true],
    ['office hours: 18:00 is outside (the end is exclusive)', officeHours, '2026-03-25T16:00:00Z', false],
    ['office hours: a Saturday is outside', officeHours, '2026-03-28T10:00:00Z', false],
    ['the same instant read in UTC is 06:30, outside', officeHours, '2026-03-25T06:30:00Z', false, 'UTC'],
    // After the spring change, 08:00 is 05:00 UTC: a fixed +2 would read 07:30 and 17:00 here.
    ['DST spring: the Monday after, 08:30 EEST (05:30 UTC) is inside', officeHours, '2026-03-30T05:30:00Z', true],
    ['DST spring: the Monday after, 18:00 EEST (15:00 UTC) is outside', officeHours, '2026-03-30T15:00:00Z', false],
    // After the autumn change, 08:00 is 06:00 UTC again: a fixed +3 would read 08:30 here.
    ['DST autumn: the Monday after, 07:30 EET (05:30 UTC) is outside', officeHours, '2026-10-26T05:30:00Z', false],
    ['DST autumn: the Monday after, 08:00 EET (06:00 UTC) is inside', officeHours, '2026-10-26T06:00:00Z', true],
    ['DST spring night: 02:59 EET is before 03:00-04:00', threeToFour, '2026-03-29T00:59:00Z', false],
    [
      'DST spring night: the next minute is 04:00 EEST, so 03:00-04:00 never comes',
      threeToFour,
      '2026-03-29T01:00:00Z',
      false,
    ],
    ['DST autumn night: 03:30 EEST is inside 03:00-04:00 ...', threeToFour, '2026-10-25T00:30:00Z', true],
    [
      'DST autumn night: ... and so is 03:30 EET an hour later, the hour happening twice',
      threeToFour,
      '2026-10-25T01:30:00Z',
      true,
    ],
    ['DST autumn night: 04:00 EET is outside', threeToFour, '2026-10-25T02:00:00Z', false],
    ['across midnight: Friday 22:00 is inside', fridayNight, '2026-03-27T20:00:00Z', true],
    ['across midnight: Friday 23:59 is inside', fridayNight, '2026-03-27T21:59:00Z', true],
    ['across midnight: Saturday 00:00 is inside', fridayNight, '2026-03-27T22:00:00Z', true],
    ['across midnight: Saturday 05:59 is inside', fridayNight, '2026-03-28T03:59:00Z', true],
    ['across midnight: Saturday 06:00 is outside', fridayNight, '2026-03-28T04:00:00Z', false],
    ['across midnight: Thursday 23:00 is outside', fridayNight, '2026-03-26T21:00:00Z', false],
    ['across midnight: Saturday 22:00 is outside', fridayNight, '2026-03-28T20:00:00Z', false],
    ['days_of_month -1: 28 February 2026 is the last day', lastDayOfMonth, '2026-02-28T10:00:00Z', true],
    ['days_of_month -1: 28 March is not', lastDayOfMonth, '2026-03-28T10:00:00Z', false],
    ['days_of_month -1: 31 January 23:30 UTC is 1 February in Kyiv', lastDayOfMonth, '2026-01-31T23:30:00Z', false],
    ['months and years: December 2026', winter2026, '2026-12-15T10:00:00Z', true],
    ['months and years: February 2027', winter2026, '2027-02-15T10:00:00Z', true],
    ['months and years: February 2026 is not', winter2026, '2026-02-15T10:00:00Z', false],
    ['an entry with no fields is always inside', [{}], '2026-03-25T03:00:00Z', true],
    ['an interval with no entries never is', [], '2026-03-25T03:00:00Z', false],
  ])('%s', (_name, specs, instant, want, tz = KYIV) => {
    expect(insideTimeInterval(specs, at(instant), tz)).toBe(want);
  });
});

describe('routeMuted', () => {
  const intervals = { 'office-hours': officeHours, 'friday-night': fridayNight };
  const WED_NOON = '2026-03-25T10:00:00Z';
  const FRI_23 = '2026-03-27T21:00:00Z';
  // prettier-ignore
  it.each<[string, { muteTimeIntervals?: string[]; activeTimeIntervals?: string[] }, string, string | undefined]>([
    ['a route without intervals always sends', {}, FRI_23, undefined],
    ['muted inside a mute interval', { muteTimeIntervals: ['friday-night'] }, FRI_23, 'inside mute_time_intervals "friday-night"'],
    ['not muted outside it', { muteTimeIntervals: ['friday-night'] }, WED_NOON, undefined],
    ['muted outside its active intervals', { activeTimeIntervals: ['office-hours'] }, FRI_23, 'outside active_time_intervals "office-hours"'],
    ['not muted inside one of them', { activeTimeIntervals: ['friday-night', 'office-hours'] }, WED_NOON, undefined],
    ['a mute wins over an active interval', { muteTimeIntervals: ['office-hours'], activeTimeIntervals: ['office-hours'] }, WED_NOON, 'inside mute_time_intervals "office-hours"'],
  ])('%s', (_name, route, instant, want) => {
    expect(routeMuted(route, intervals, KYIV, at(instant))).toBe(want);
  });
});

describe('time interval fields as written', () => {
  it.each<[string, unknown, unknown]>([
    ['monday:friday', parseWeekdays('monday:friday'), [1, 5]],
    ['Saturday, any case', parseWeekdays('Saturday'), [6, 6]],
    [
      'saturday:sunday wraps, refused as in Alertmanager',
      parseWeekdays('saturday:sunday'),
      'a weekday range goes from the earlier to the later, got "saturday:sunday"',
    ],
    [
      'a misspelt day',
      parseWeekdays('munday'),
      'expected a weekday or range such as monday or monday:friday (the week starts on sunday), got "munday"',
    ],
    ['march:may', parseMonths('march:may'), [3, 5]],
    ['months by number', parseMonths('1:3'), [1, 3]],
    ['month 13', parseMonths('13'), 'expected a month or range such as march, january:march or 1:3, got "13"'],
    ['years', parseYears('2026:2027'), [2026, 2027]],
    ['days 1:7', parseDaysOfMonth('1:7'), [1, 7]],
    ['the last three days', parseDaysOfMonth('-3:-1'), [-3, -1]],
    ['the 15th to the last', parseDaysOfMonth('15:-1'), [15, -1]],
    [
      'day 0',
      parseDaysOfMonth('0'),
      'expected a day of the month such as 1, 1:15 or -3:-1 (from the month\'s end), got "0"',
    ],
    ['08:00 to 18:00', parseTimeRange('08:00', '18:00'), { startMinute: 480, endMinute: 1080 }],
    ['to 24:00', parseTimeRange('22:00', '24:00'), { startMinute: 1320, endMinute: 1440 }],
    [
      '22:00 to 06:00 crosses midnight: refused, with the two ranges to write',
      parseTimeRange('22:00', '06:00'),
      'end_time (06:00) must be after start_time (22:00); a range across midnight is two: start_time 22:00, end_time 24:00 and start_time 00:00, end_time 06:00',
    ],
    ['8:00 is not HH:MM', parseTimeRange('8:00', '18:00'), 'expected a time such as 08:00 or 24:00, got "8:00"'],
  ])('%s', (_name, got, want) => {
    expect(got).toEqual(want);
  });
});
