import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';
import UserPicker from '../components/UserPicker';
import { formatSiteTime, siteZoneName } from '../components/time';
import { downloadUrl } from '../api/client';
import { api, KIND_LABELS, qs } from './api';
import LedgerTable from './LedgerTable';
import ActivityCards from './activity/ActivityCards';
import ActivityChart from './activity/ActivityChart';
import { activityPreset } from './activityLink';

const RANGES = [
	{ value: '7', label: __( 'Last 7 days', 'aipkit-usage' ) },
	{ value: '30', label: __( 'Last 30 days', 'aipkit-usage' ) },
	{ value: '90', label: __( 'Last 90 days', 'aipkit-usage' ) },
	{ value: 'custom', label: __( 'Custom range', 'aipkit-usage' ) },
];

const KIND_OPTIONS = [
	{ value: '', label: __( 'All entries', 'aipkit-usage' ) },
].concat(
	Object.entries( KIND_LABELS ).map( ( [ value, label ] ) => ( {
		value,
		label,
	} ) )
);

/**
 * What the cards and the chart cover, in words: range (with its dates and zone), user, kind.
 *
 * @param {Object}      data   The server's answer (range.from_ts / to_ts).
 * @param {Object}      params The filters.
 * @param {Object|null} user   The picked user.
 * @return {string} One line.
 */
function scopeText( data, params, user ) {
	const range = RANGES.find( ( r ) => r.value === params.range );
	const parts = [
		sprintf(
			/* translators: 1: range name, 2: start, 3: end */
			__( '%1$s (%2$s to %3$s)', 'aipkit-usage' ),
			range ? range.label : params.range,
			formatSiteTime( data.range.from_ts ),
			formatSiteTime( data.range.to_ts )
		),
		user
			? sprintf(
					/* translators: %s: user name */
					__( 'user %s', 'aipkit-usage' ),
					user.name
				)
			: __( 'all users', 'aipkit-usage' ),
		params.kind
			? sprintf(
					/* translators: %s: ledger entry kind */
					__( '%s entries only', 'aipkit-usage' ),
					KIND_LABELS[ params.kind ]
				)
			: __( 'all entry types', 'aipkit-usage' ),
	];
	return sprintf(
		/* translators: %s: the filters in words */
		__( 'Totals for: %s.', 'aipkit-usage' ),
		parts.join( ' · ' )
	);
}

export default function ActivityScreen() {
	const [ preset ] = useState( activityPreset );
	const [ range, setRange ] = useState( preset.range );
	const [ from, setFrom ] = useState( preset.from );
	const [ to, setTo ] = useState( preset.to );
	const [ kind, setKind ] = useState( '' );
	const [ userId, setUserId ] = useState( Number( preset.userId ) || 0 );
	const [ user, setUser ] = useState( null );
	const [ data, setData ] = useState( null );
	const [ items, setItems ] = useState( [] );
	const [ cursor, setCursor ] = useState( null );
	const [ error, setError ] = useState( null );

	const params = {
		range,
		from: range === 'custom' ? from : '',
		to: range === 'custom' ? to : '',
		kind,
		user_id: userId,
	};
	const key = JSON.stringify( params );
	const load = useCallback( () => {
		if ( range === 'custom' && ( ! from || ! to ) ) {
			return;
		}
		setData( null );
		setError( null );
		api( `/activity${ qs( JSON.parse( key ) ) }` ).then(
			( d ) => {
				setData( d );
				setItems( d.entries.items );
				setCursor( d.entries.next_cursor );
			},
			( e ) => setError( e.message )
		);
	}, [ key ] ); // eslint-disable-line react-hooks/exhaustive-deps
	useEffect( () => {
		load();
	}, [ load ] );

	const more = () =>
		api( `/activity${ qs( { ...params, before: cursor } ) }` ).then(
			( d ) => {
				setItems( ( old ) => [ ...old, ...d.entries.items ] );
				setCursor( d.entries.next_cursor );
			},
			( e ) => setError( e.message )
		);

	const ready = range !== 'custom' || ( from && to );

	return (
		<Card className="aipkit-activity">
			<CardHeader>
				<h2 style={ { margin: 0 } }>
					{ __( 'Activity', 'aipkit-usage' ) }
				</h2>
				{ /* A plain link carrying the REST nonce: the browser streams the file to disk. */ }
				<Button
					variant="secondary"
					href={
						ready
							? downloadUrl( '/activity/export', params )
							: undefined
					}
					disabled={ ! ready }
					download
				>
					{ __( 'Export CSV', 'aipkit-usage' ) }
				</Button>
			</CardHeader>
			<CardBody>
				<div className="aipkit-activity__filters">
					<SelectControl
						label={ __( 'Date range', 'aipkit-usage' ) }
						value={ range }
						options={ RANGES }
						onChange={ setRange }
					/>
					{ range === 'custom' && (
						<>
							<TextControl
								type="date"
								label={ __( 'From', 'aipkit-usage' ) }
								value={ from }
								onChange={ setFrom }
							/>
							<TextControl
								type="date"
								label={ __( 'To', 'aipkit-usage' ) }
								value={ to }
								onChange={ setTo }
							/>
						</>
					) }
					<SelectControl
						label={ __( 'Entry type', 'aipkit-usage' ) }
						value={ kind }
						options={ KIND_OPTIONS }
						onChange={ setKind }
					/>
					<UserPicker
						label={ __( 'User', 'aipkit-usage' ) }
						value={ userId }
						onChange={ ( id, u ) => {
							setUserId( id );
							setUser( u );
						} }
					/>
				</div>
				<p className="description">
					{ sprintf(
						/* translators: %s: time zone name */
						__(
							'Days and times are in the site time zone (%s).',
							'aipkit-usage'
						),
						siteZoneName()
					) }
				</p>
				{ error && (
					<Notice status="error" isDismissible={ false }>
						{ error }
					</Notice>
				) }
				{ ! data && ! error && ready && <Spinner /> }
				{ data && (
					<>
						<ActivityCards
							cards={ data.cards }
							scope={ scopeText( data, params, user ) }
						/>
						<ActivityChart series={ data.series } />
						{ items.length === 0 ? (
							<EmptyState
								id="activity"
								title={ __(
									'No ledger entries match these filters',
									'aipkit-usage'
								) }
							>
								<p>
									{ __(
										'Select a date range that includes the change, or clear the user and entry type filters. Balance changes come from Usage > Billing > Balances, completed WooCommerce orders, and metered requests.',
										'aipkit-usage'
									) }
								</p>
							</EmptyState>
						) : (
							<LedgerTable
								items={ items }
								columns={ [
									'date',
									'kind',
									'user',
									'amount',
									'quota',
									'uncovered',
									'details',
								] }
								className="aipkit-activity-table"
							/>
						) }
						{ cursor && (
							<Button variant="secondary" onClick={ more }>
								{ __( 'Load more', 'aipkit-usage' ) }
							</Button>
						) }
					</>
				) }
			</CardBody>
		</Card>
	);
}
