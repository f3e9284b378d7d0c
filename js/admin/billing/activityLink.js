/**
 * Links into Billing > Activity with the date range and user already chosen (Balances history →
 * "Open in Activity"), and the preset Activity reads back from its URL.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * @param {Object} p
 * @param {number} p.userId User whose entries to show.
 * @param {string} p.from   First day, YYYY-MM-DD.
 * @param {string} p.to     Last day, YYYY-MM-DD.
 * @return {string} Relative admin URL of the Activity screen with that preset.
 */
export function activityUrl( { userId, from, to } ) {
	const p = new URLSearchParams( {
		page: 'aipkit-usage',
		tab: 'billing',
		section: 'activity',
		range: 'custom',
		from,
		to,
		user_id: String( userId ),
	} );
	return `admin.php?${ p.toString() }`;
}

/**
 * The range and user preset in the current URL, when valid.
 *
 * @return {{range: string, from: string, to: string, userId: string}} Values for Activity's initial state.
 */
export function activityPreset() {
	const q = new URLSearchParams( window.location.search );
	const from = q.get( 'from' ) || '';
	const to = q.get( 'to' ) || '';
	const custom =
		q.get( 'range' ) === 'custom' && DATE.test( from ) && DATE.test( to );
	const preset = [ '7', '30', '90' ].includes( q.get( 'range' ) )
		? q.get( 'range' )
		: '30';
	return {
		range: custom ? 'custom' : preset,
		from: custom ? from : '',
		to: custom ? to : '',
		userId: /^\d+$/.test( q.get( 'user_id' ) || '' )
			? q.get( 'user_id' )
			: '',
	};
}

/**
 * A day before the oldest and after the newest ledger time (UTC "Y-m-d H:i:s"), so the site's time
 * zone cannot push an entry outside the range.
 *
 * @param {Array<{created_at: string}>} items Ledger entries, newest first.
 * @return {{from: string, to: string}|null} The range, or null without entries.
 */
export function rangeOf( items ) {
	if ( ! items?.length ) {
		return null;
	}
	const day = ( s, delta ) => {
		const d = new Date( `${ s.slice( 0, 10 ) }T00:00:00Z` );
		d.setUTCDate( d.getUTCDate() + delta );
		return d.toISOString().slice( 0, 10 );
	};
	return {
		from: day( items[ items.length - 1 ].created_at, -1 ),
		to: day( items[ 0 ].created_at, 1 ),
	};
}
