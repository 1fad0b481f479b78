import { describe, expect, it } from 'vitest';
import { parseDateIn, parseEndDateIn } from '../../src/config/date.js';

describe('parseDateIn', () => {
  // prettier-ignore
  it.each([
    ['a date alone is midnight in the watch time zone (Kyiv summer, UTC+3)', '2026-06-01', 'Europe/Kyiv', '2026-05-31T21:00:00.000Z'],
    ['a date alone is midnight in the watch time zone (Kyiv winter, UTC+2)', '2026-01-15', 'Europe/Kyiv', '2026-01-14T22:00:00.000Z'],
    ['a date-time without offset is wall-clock time there', '2026-06-01T09:00:00', 'Europe/Kyiv', '2026-06-01T06:00:00.000Z'],
    ['a space may separate date and time', '2026-06-01 09:00', 'Europe/Kyiv', '2026-06-01T06:00:00.000Z'],
    ['an explicit Z wins over the zone', '2026-06-01T09:00:00Z', 'Europe/Kyiv', '2026-06-01T09:00:00.000Z'],
    ['an explicit offset wins over the zone', '2026-06-01T09:00:00+01:00', 'America/New_York', '2026-06-01T08:00:00.000Z'],
    ['UTC is UTC', '2026-06-01', 'UTC', '2026-06-01T00:00:00.000Z'],
    ['west of Greenwich', '2026-06-01', 'America/New_York', '2026-06-01T04:00:00.000Z'],
  ])('%s', (_name, text, zone, iso) => {
    expect(new Date(parseDateIn(text, zone)).toISOString()).toBe(iso);
  });
});

describe('parseEndDateIn', () => {
  it.each([
    [
      'a date alone runs through its last millisecond in the zone',
      '2026-07-15',
      'Europe/Kyiv',
      '2026-07-15T20:59:59.999Z',
    ],
    ['the same across a month end', '2026-01-31', 'UTC', '2026-01-31T23:59:59.999Z'],
    ['a date-time is taken as written', '2026-07-15T12:00:00', 'Europe/Kyiv', '2026-07-15T09:00:00.000Z'],
  ])('%s', (_name, text, zone, iso) => {
    expect(new Date(parseEndDateIn(text, zone)).toISOString()).toBe(iso);
  });
});
