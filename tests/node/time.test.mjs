// js/admin/components/time.js: one time convention (site time with the zone shown) for every
// screen; DST per instant for IANA zones, fixed offsets as WordPress stores them ("+05:30").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSiteTime, formatSiteDay, offsetLabel, siteZoneName, utcTextToUnix } from '../../js/admin/components/time.js';

const at = (iso) => Date.parse(iso) / 1000;

test('IANA zones use the offset in force at each instant (DST)', () => {
	const berlin = { timezone: 'Europe/Berlin', utcOffset: 3600 };
	assert.equal(formatSiteTime(at('2026-01-15T12:00:00Z'), berlin), '2026-01-15 13:00:00 UTC+01:00');
	assert.equal(formatSiteTime(at('2026-07-15T12:00:00Z'), berlin), '2026-07-15 14:00:00 UTC+02:00');
	// The night of the change: 00:59:59 UTC is still winter time, 01:00 UTC is summer time.
	assert.equal(formatSiteTime(at('2026-03-29T00:59:59Z'), berlin), '2026-03-29 01:59:59 UTC+01:00');
	assert.equal(formatSiteTime(at('2026-03-29T01:00:00Z'), berlin), '2026-03-29 03:00:00 UTC+02:00');
	const ny = { timezone: 'America/New_York', utcOffset: -18000 };
	assert.equal(formatSiteTime(at('2026-11-30T03:30:00Z'), ny), '2026-11-29 22:30:00 UTC−05:00');
	assert.equal(formatSiteDay(at('2026-11-30T03:30:00Z'), ny), '2026-11-29');
	assert.equal(siteZoneName(ny), 'America/New_York');
});

test('fixed offsets and UTC', () => {
	assert.equal(formatSiteTime(at('2026-11-30T20:00:00Z'), { timezone: '+05:45', utcOffset: 20700 }), '2026-12-01 01:45:00 UTC+05:45');
	assert.equal(formatSiteTime(at('2026-11-30T02:00:00Z'), { timezone: '-03:30' }), '2026-11-29 22:30:00 UTC−03:30');
	assert.equal(formatSiteTime(at('2026-11-30T02:00:00Z'), { timezone: 'UTC' }), '2026-11-30 02:00:00 UTC');
	assert.equal(formatSiteTime(at('2026-11-30T02:00:00Z'), { timezone: '+00:00' }), '2026-11-30 02:00:00 UTC');
	// No zone name at all: the boot offset.
	assert.equal(formatSiteTime(at('2026-11-30T02:00:00Z'), { utcOffset: 7200 }), '2026-11-30 04:00:00 UTC+02:00');
	assert.equal(siteZoneName({ timezone: '+05:30' }), 'UTC+05:30');
	assert.equal(offsetLabel(-19800), 'UTC−05:30');
});

test('empty values and database texts', () => {
	assert.equal(formatSiteTime(null), '—');
	assert.equal(formatSiteTime(undefined), '—');
	assert.equal(utcTextToUnix('2026-11-30 13:05:09'), at('2026-11-30T13:05:09Z'));
	assert.equal(utcTextToUnix('not a date'), null);
});
