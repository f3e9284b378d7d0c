import { __ } from '@wordpress/i18n';
import DataTable from '../components/DataTable';
import { formatSiteTime, utcTextToUnix } from '../components/time';
import { credits, KIND_LABELS } from './api';

/**
 * What a ledger row says about where it came from: module, bot, model, order and note.
 *
 * @param {Object} x A ledger entry from the REST API.
 * @return {string} One line of details.
 */
function details( x ) {
	return [
		x.module,
		x.bot_id,
		x.provider && `${ x.provider }/${ x.model }`,
		x.order_id ? `#${ x.order_id }` : '',
		x.note,
	]
		.filter( Boolean )
		.join( ' · ' );
}

function who( x ) {
	if ( x.user_id ) {
		return x.display_name || `#${ x.user_id }`;
	}
	return x.subject && x.subject.startsWith( 'guest:' )
		? __( 'Guest', 'aipkit-usage' )
		: '—';
}

/** The columns a ledger list can show; Activity and a user's History each pick theirs, in order. */
const COLUMNS = {
	date: {
		title: __( 'Date (site time)', 'aipkit-usage' ),
		cell: ( x ) => formatSiteTime( x.at ?? utcTextToUnix( x.created_at ) ),
	},
	kind: {
		title: __( 'Entry', 'aipkit-usage' ),
		cell: ( x ) => KIND_LABELS[ x.kind ] || x.kind,
	},
	user: { title: __( 'User', 'aipkit-usage' ), cell: who },
	amount: {
		title: __( 'Balance change', 'aipkit-usage' ),
		cell: ( x ) => credits( x.amount ),
	},
	quota: {
		title: __( 'Quota', 'aipkit-usage' ),
		cell: ( x ) => credits( x.quota_amount ),
	},
	uncovered: {
		title: __( 'Uncovered', 'aipkit-usage' ),
		cell: ( x ) =>
			x.uncovered && x.uncovered !== '0.000000'
				? credits( x.uncovered )
				: '',
	},
	balanceAfter: {
		title: __( 'Balance after', 'aipkit-usage' ),
		cell: ( x ) => credits( x.balance_after ),
	},
	details: { title: __( 'Details', 'aipkit-usage' ), cell: details },
};

export default function LedgerTable( { items, columns, className = '' } ) {
	return (
		<DataTable
			columns={ columns.map( ( c ) => COLUMNS[ c ] ) }
			rows={ items }
			rowKey={ ( x ) => x.id }
			className={ className }
		/>
	);
}
