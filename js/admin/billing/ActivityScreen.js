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
import { addQueryArgs } from '@wordpress/url';
import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';
import { api, credits, KIND_LABELS, qs } from './api';
import LedgerTable from './LedgerTable';
import { activityPreset } from './activityLink';

const RANGES = [
	{ value: '7', label: __( 'Last 7 days', 'aipkit-usage' ) },
	{ value: '30', label: __( 'Last 30 days', 'aipkit-usage' ) },
	{ value: '90', label: __( 'Last 90 days', 'aipkit-usage' ) },
	{ value: 'custom', label: __( 'Custom range', 'aipkit-usage' ) },
];

function Cards( { cards } ) {
	const items = [
		[
			'credits_added',
			__( 'Credits Added', 'aipkit-usage' ),
			__(
				'Purchases and admin adjustments that added credits.',
				'aipkit-usage'
			),
			credits( cards.credits_added ),
		],
		[
			'balance_debited',
			__( 'Balance Debited', 'aipkit-usage' ),
			__( 'Credits deducted from user balances.', 'aipkit-usage' ),
			credits( cards.balance_debited ),
		],
		[
			'quota_only_usage',
			__( 'Quota-Only Usage', 'aipkit-usage' ),
			__( 'Usage that did not deduct a balance.', 'aipkit-usage' ),
			`${ credits( cards.quota_only_usage ) } (${ cards.quota_only_entries })`,
		],
		[
			'ledger_entries',
			__( 'Ledger Entries', 'aipkit-usage' ),
			__( 'Total ledger records in the range.', 'aipkit-usage' ),
			String( cards.ledger_entries ),
		],
	];
	return (
		<div
			className="aipkit-activity-cards"
			style={ {
				display: 'flex',
				gap: 16,
				flexWrap: 'wrap',
				margin: '16px 0',
			} }
		>
			{ items.map( ( [ key, title, help, value ] ) => (
				<Card
					key={ key }
					size="small"
					style={ { minWidth: 200 } }
					data-card={ key }
				>
					<CardBody>
						<div style={ { fontSize: 13 } }>{ title }</div>
						<div
							style={ { fontSize: 24, fontWeight: 600 } }
							data-testid={ `card-${ key }` }
						>
							{ value }
						</div>
						<div style={ { fontSize: 12, color: '#646970' } }>
							{ help }
						</div>
					</CardBody>
				</Card>
			) ) }
			{ cards.uncovered !== '0.000000' && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'Uncovered usage (cost above what the hold, balance and quota could cover):',
						'aipkit-usage'
					) }{ ' ' }
					{ credits( cards.uncovered ) }
				</Notice>
			) }
		</div>
	);
}

/**
 * A minimal per-day bar chart; the table below carries the exact numbers for screen readers.
 *
 * @param {Object}   props
 * @param {Object[]} props.series Per-day totals ({ entries, … }), oldest first.
 */
function Series( { series } ) {
	if ( ! series.length ) {
		return null;
	}
	const max = Math.max( 1, ...series.map( ( d ) => d.entries ) );
	return (
		<figure
			className="aipkit-activity-chart"
			aria-label={ __( 'Ledger entries per day', 'aipkit-usage' ) }
		>
			<div
				style={ {
					display: 'flex',
					alignItems: 'flex-end',
					gap: 2,
					height: 80,
				} }
				aria-hidden="true"
			>
				{ series.map( ( d ) => (
					<div
						key={ d.day }
						title={ `${ d.day }: ${ d.entries }` }
						style={ {
							flex: 1,
							background: '#2271b1',
							height: `${ Math.max( 2, ( d.entries / max ) * 80 ) }px`,
						} }
					/>
				) ) }
			</div>
			<figcaption style={ { fontSize: 12 } }>
				{ __( 'Ledger entries per day', 'aipkit-usage' ) }
			</figcaption>
		</figure>
	);
}

export default function ActivityScreen() {
	const [ preset ] = useState( activityPreset );
	const [ range, setRange ] = useState( preset.range );
	const [ from, setFrom ] = useState( preset.from );
	const [ to, setTo ] = useState( preset.to );
	const [ kind, setKind ] = useState( '' );
	const [ userId, setUserId ] = useState( preset.userId );
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
		api( `/activity${ qs( JSON.parse( key ) ) }` ).then(
			( d ) => {
				setData( d );
				setItems( d.entries.items );
				setCursor( d.entries.next_cursor );
				setError( null );
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

	const csvUrl = addQueryArgs(
		`${ window.wpApiSettings?.root || '/wp-json/' }aipkit/v1/activity/export`,
		{
			...Object.fromEntries(
				Object.entries( params ).filter( ( [ , v ] ) => v )
			),
			_wpnonce:
				window.wpApiSettings?.nonce ||
				window.aipkitUsageAdmin?.restNonce,
		}
	);

	return (
		<Card className="aipkit-activity">
			<CardHeader>
				<h2 style={ { margin: 0 } }>
					{ __( 'Activity', 'aipkit-usage' ) }
				</h2>
				<Button variant="secondary" href={ csvUrl }>
					{ __( 'Export CSV', 'aipkit-usage' ) }
				</Button>
			</CardHeader>
			<CardBody>
				<div
					style={ {
						display: 'flex',
						gap: 12,
						flexWrap: 'wrap',
						alignItems: 'flex-end',
					} }
				>
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
						options={ [
							{
								value: '',
								label: __( 'All entries', 'aipkit-usage' ),
							},
						].concat(
							Object.entries( KIND_LABELS ).map(
								( [ value, label ] ) => ( { value, label } )
							)
						) }
						onChange={ setKind }
					/>
					<TextControl
						label={ __( 'User ID', 'aipkit-usage' ) }
						value={ userId }
						onChange={ ( v ) =>
							setUserId( v.replace( /\D/g, '' ) )
						}
						inputMode="numeric"
					/>
				</div>
				{ error && (
					<Notice status="error" isDismissible={ false }>
						{ error }
					</Notice>
				) }
				{ ! data && ! error && <Spinner /> }
				{ data && (
					<>
						<Cards cards={ data.cards } />
						<Series series={ data.series } />
						{ items.length === 0 ? (
							<EmptyState
								id="activity"
								title={ __(
									'No ledger entries in this range',
									'aipkit-usage'
								) }
							>
								<p>
									{ __(
										'Select a date range that includes the change. Balance changes come from Usage > Billing > Balances, completed WooCommerce orders, and metered requests.',
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
