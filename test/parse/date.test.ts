import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/parse/date.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('parseDate', () => {
  it.each([
    // RFC 822 / 1123, as RSS writes them
    ['numeric zone', 'Tue, 17 Feb 2026 20:19:37 -0500', '2026-02-18T01:19:37.000Z'],
    ['GMT', 'Tue, 17 Feb 2026 18:55:33 GMT', '2026-02-17T18:55:33.000Z'],
    ['EST (RFC 822 zone)', 'Tue, 17 Feb 2026 18:03:07 EST', '2026-02-17T23:03:07.000Z'],
    ['PDT', 'Thu, 16 Jul 2026 09:00:00 PDT', '2026-07-16T16:00:00.000Z'],
    ['MSK', 'Fri, 17 Jul 2026 12:00:00 MSK', '2026-07-17T09:00:00.000Z'],
    ['+0300', 'Wed, 21 Mar 2018 10:27:32 +0300', '2018-03-21T07:27:32.000Z'],
    ['+06:00 with a colon', 'Wed, 22 Jan 2014 20:31:31 +06:00', '2014-01-22T14:31:31.000Z'],
    ['no weekday', '07 Jan 2017 18:20:03 +0300', '2017-01-07T15:20:03.000Z'],
    ['two-digit year', 'Sun, 10 Dec 17 13:01:36 -0800', '2017-12-10T21:01:36.000Z'],
    ['lower-case month, wrong weekday', 'Wed, 19 jan 2026 00:00:00 GMT', '2026-01-19T00:00:00.000Z'],
    ['no seconds', 'Fri, 17 Jul 2026 14:30 +0300', '2026-07-17T11:30:00.000Z'],
    ['no zone: UTC', 'Fri, 17 Jul 2026 14:30:00', '2026-07-17T14:30:00.000Z'],
    ['unknown zone name: UTC', 'Fri, 17 Jul 2026 14:30:00 XYZ', '2026-07-17T14:30:00.000Z'],
    ['trailing space', 'Sat, 07 Jan 2017 01:49:31 GMT ', '2017-01-07T01:49:31.000Z'],
    ['newlines around it', '\n      Wed, 15 May 2019 20:48:02 +0000\n   ', '2019-05-15T20:48:02.000Z'],
    ['a comment after it', 'Mon, 16 Oct 2017 15:10:00 +0000 (UTC)', '2017-10-16T15:10:00.000Z'],
    ['full month name', 'Friday, 17 July 2026 10:00:00 GMT', '2026-07-17T10:00:00.000Z'],
    // ISO 8601 / RFC 3339
    ['ISO with Z and fraction', '2019-10-12T07:20:50.52Z', '2019-10-12T07:20:50.520Z'],
    ['ISO with offset', '2017-10-18T03:40:38.732-07:00', '2017-10-18T10:40:38.732Z'],
    ['ISO with offset without colon', '2026-02-17T17:36:36-0500', '2026-02-17T22:36:36.000Z'],
    ['ISO date only', '2026-07-01', '2026-07-01T00:00:00.000Z'],
    ['ISO with a space and a spaced offset (aif.ru)', '2019-05-18 10:58:46 +0300', '2019-05-18T07:58:46.000Z'],
    ['ISO without zone', '2026-07-17 14:30', '2026-07-17T14:30:00.000Z'],
    ['slashes', '2026/07/17 14:30:00', '2026-07-17T14:30:00.000Z'],
    // numbers and words
    ['Unix epoch seconds', '1518478934', '2018-02-12T23:42:14.000Z'],
    ['Unix epoch milliseconds', '1784282400000', '2026-07-17T10:00:00.000Z'],
    ['US style (State Dept)', 'July 17, 2026', '2026-07-17T00:00:00.000Z'],
    ['US style with time and zone', 'Jul 17, 2026 2:30 PM EDT', '2026-07-17T18:30:00.000Z'],
    ['US style, 12 a.m.', 'January 5, 2026 12:15 a.m.', '2026-01-05T00:15:00.000Z'],
    ['day first with dots', '17.07.2026', '2026-07-17T00:00:00.000Z'],
    ['day first with dots and time', '17.07.2026, 14:30', '2026-07-17T14:30:00.000Z'],
    ['Ukrainian month', '17 липня 2026', '2026-07-17T00:00:00.000Z'],
    ['Ukrainian month with "р."', '3 березня 2026 р.', '2026-03-03T00:00:00.000Z'],
    ['Russian month with "г." and time', '17 июля 2026 г.', '2026-07-17T00:00:00.000Z'],
    ['Russian month, genitive of May', '9 мая 2026 10:00', '2026-05-09T10:00:00.000Z'],
  ])('reads %s', (_name, text, iso) => {
    expect(parseDate(text, NOW)).toBe(iso);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['undefined', undefined],
    ['not a date', 'soon'],
    ['Drupal month/day/year', 'Fri, 05/03/2019 - 15:21'],
    ['Greek names', 'Τρι, 29 Ιούν 2004 12:53:00 GMT'],
    ['30 February', '2026-02-30'],
    ['hour 25', '2026-02-03T25:00:00Z'],
    ['month 13', '13.13.2026'],
    ['offset beyond +14:00', '2026-02-03T10:00:00+1900'],
    ['a placeholder year', '0001-01-01T00:00:00Z'],
    ['the epoch', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ['more than a day ahead', '2026-11-27T12:00:01Z'],
    ['years ahead', 'Sat, 01 Jan 2033 00:00:00 GMT'],
  ])('gives undefined for %s', (_name, text) => {
    expect(parseDate(text, NOW)).toBeUndefined();
  });

  it('accepts a date up to a day ahead of now (clock skew, time zones)', () => {
    expect(parseDate('2026-11-27T11:59:59Z', NOW)).toBe('2026-11-27T11:59:59.000Z');
  });
});
