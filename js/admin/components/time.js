/**
 * One time convention for every screen: site time (Settings > General) with the zone shown.
 *
 * The server sends Unix seconds; the boot data gives the site's zone (`timezone`: an IANA name
 * such as "Europe/Berlin", or a fixed offset such as "+05:30") and its current offset in seconds
 * (`utcOffset`). IANA zones go through Intl, so each instant gets the offset it had then (DST).
 */

function boot() {
	return ( typeof window !== 'undefined' && window.aipkitUsageAdmin ) || {};
}

const pad = ( n ) => String( n ).padStart( 2, '0' );

/**
 * An ISO 8601 instant from the server (e.g. a log's created_at) in site time with its zone.
 *
 * @param {string} iso The instant, with its offset or Z.
 * @return {string} e.g. "2026-11-30 13:05:09 UTC+01:00"; "—" when empty or unreadable.
 */
export function formatSiteIso( iso ) {
	const ms = iso ? Date.parse( iso ) : NaN;
	return Number.isNaN( ms ) ? '—' : formatSiteTime( Math.floor( ms / 1000 ) );
}

/**
 * "UTC+02:00", "UTC−05:30", "UTC".
 *
 * @param {number} seconds Offset east of UTC.
 * @return {string} The label.
 */
export function offsetLabel( seconds ) {
	if ( ! seconds ) {
		return 'UTC';
	}
	const sign = seconds < 0 ? '−' : '+';
	const abs = Math.abs( seconds );
	return `UTC${ sign }${ pad( Math.floor( abs / 3600 ) ) }:${ pad(
		Math.floor( ( abs % 3600 ) / 60 )
	) }`;
}

function fixedOffset( zone ) {
	const m = /^(?:UTC)?([+-])(\d{1,2}):?(\d{2})?$/.exec( zone || '' );
	if ( ! m ) {
		return null;
	}
	return (
		( m[ 1 ] === '-' ? -1 : 1 ) * ( +m[ 2 ] * 3600 + +( m[ 3 ] || 0 ) * 60 )
	);
}

const formatters = {};
function partsIn( zone, date ) {
	if ( ! formatters[ zone ] ) {
		formatters[ zone ] = new Intl.DateTimeFormat( 'en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		} );
	}
	const p = {};
	formatters[ zone ].formatToParts( date ).forEach( ( x ) => {
		p[ x.type ] = x.value;
	} );
	return p;
}

/**
 * The wall clock of the site at an instant.
 *
 * @param {number} unixSeconds The instant.
 * @param {Object} [site]      { timezone, utcOffset } (defaults to the boot data).
 * @return {{date: string, time: string, offset: number}} "YYYY-MM-DD", "HH:MM:SS", seconds east of UTC.
 */
export function siteClock( unixSeconds, site = boot() ) {
	const ms = Number( unixSeconds ) * 1000;
	const zone = site.timezone || '';
	let offset = fixedOffset( zone );
	if ( offset === null && zone && zone !== 'UTC' ) {
		try {
			const p = partsIn( zone, new Date( ms ) );
			const wall = Date.UTC(
				+p.year,
				+p.month - 1,
				+p.day,
				+p.hour,
				+p.minute,
				+p.second
			);
			offset = Math.round(
				( wall - Math.floor( ms / 1000 ) * 1000 ) / 1000
			);
		} catch {
			offset = null; // Unknown to this browser's Intl: fall back to the boot offset.
		}
	}
	if ( offset === null ) {
		offset = zone === 'UTC' ? 0 : Number( site.utcOffset ) || 0;
	}
	const d = new Date( ms + offset * 1000 );
	return {
		date: `${ d.getUTCFullYear() }-${ pad( d.getUTCMonth() + 1 ) }-${ pad(
			d.getUTCDate()
		) }`,
		time: `${ pad( d.getUTCHours() ) }:${ pad( d.getUTCMinutes() ) }:${ pad(
			d.getUTCSeconds()
		) }`,
		offset,
	};
}

/**
 * "2026-11-30 13:05:09 UTC+01:00": the site's time of an instant, with its zone.
 *
 * @param {number|null} unixSeconds The instant (null/undefined → "—").
 * @param {Object}      [site]      { timezone, utcOffset } (defaults to the boot data).
 * @return {string} The text to show.
 */
export function formatSiteTime( unixSeconds, site = boot() ) {
	if (
		unixSeconds === null ||
		unixSeconds === undefined ||
		unixSeconds === ''
	) {
		return '—';
	}
	const c = siteClock( unixSeconds, site );
	return `${ c.date } ${ c.time } ${ offsetLabel( c.offset ) }`;
}

/**
 * "2026-11-30": the site's calendar day of an instant.
 *
 * @param {number} unixSeconds The instant.
 * @param {Object} [site]      { timezone, utcOffset }.
 * @return {string} The day.
 */
export function formatSiteDay( unixSeconds, site = boot() ) {
	return siteClock( unixSeconds, site ).date;
}

/**
 * Unix seconds of a "YYYY-MM-DD HH:MM:SS" UTC text (as MariaDB DATETIME columns hold it).
 *
 * @param {string} text The UTC date and time.
 * @return {number|null} Seconds, or null when it is not such a text.
 */
export function utcTextToUnix( text ) {
	const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)/.exec(
		text || ''
	);
	if ( ! m ) {
		return null;
	}
	return (
		Date.UTC( +m[ 1 ], +m[ 2 ] - 1, +m[ 3 ], +m[ 4 ], +m[ 5 ], +m[ 6 ] ) /
		1000
	);
}

/**
 * The zone as a heading can name it: "Europe/Berlin" or "UTC+05:30".
 *
 * @param {Object} [site] { timezone, utcOffset }.
 * @return {string} The name.
 */
export function siteZoneName( site = boot() ) {
	const zone = site.timezone || '';
	const fixed = fixedOffset( zone );
	if ( fixed !== null ) {
		return offsetLabel( fixed );
	}
	return zone || offsetLabel( Number( site.utcOffset ) || 0 );
}
