import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Modal,
	Notice,
	SearchControl,
	Spinner,
} from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import ConfirmDialog from '../components/ConfirmDialog';
import DataTable from '../components/DataTable';
import EmptyState from '../components/EmptyState';
import RowActions from '../components/RowActions';
import BalanceCell from './BalanceCell';
import { api, credits, qs } from './api';
import useSubmit from '../api/useSubmit';
import LedgerTable from './LedgerTable';
import WhyRefused from './WhyRefused';
import { activityUrl, rangeOf } from './activityLink';

function ConfirmReset( { user, scope, label, onDone, onCancel } ) {
	const { busy, error, submit } = useSubmit();
	const run = () =>
		submit(
			() =>
				api( `/balances/${ user.user_id }/reset`, {
					method: 'POST',
					data: { scope },
				} ),
			onDone
		);
	return (
		<ConfirmDialog
			title={ __( 'Reset usage?', 'aipkit-usage' ) }
			message={
				scope === 'all'
					? sprintf(
							/* translators: %s: user */ __(
								'Reset the current period usage of %s for all scopes? This is recorded in the ledger.',
								'aipkit-usage'
							),
							user.name
						)
					: sprintf(
							/* translators: 1: scope, 2: user */ __(
								'Reset the current period usage of %2$s for %1$s? This is recorded in the ledger.',
								'aipkit-usage'
							),
							label || scope,
							user.name
						)
			}
			confirmLabel={ __( 'Confirm reset', 'aipkit-usage' ) }
			onConfirm={ run }
			onCancel={ onCancel }
			busy={ busy }
			error={ error?.message }
		/>
	);
}

/*
 * Uncovered usage: delivered but paid by neither balance nor quota. Above the "uncovered usage limit"
 * setting the user is refused until the owner clears it here (recorded in the ledger).
 */
function ConfirmClearUncovered( { user, onDone, onCancel } ) {
	const { busy, error, submit } = useSubmit();
	const run = () =>
		submit(
			() =>
				api( `/balances/${ user.user_id }/clear-uncovered`, {
					method: 'POST',
					data: { expected_uncovered: user.uncovered },
				} ),
			onDone
		);
	return (
		<ConfirmDialog
			title={ __( 'Clear uncovered usage?', 'aipkit-usage' ) }
			message={ sprintf(
				/* translators: 1: credits, 2: user */ __(
					'Forgive the %1$s credits of usage that %2$s received without paying? No credits move; the clearing is recorded in the ledger and the user can be admitted again.',
					'aipkit-usage'
				),
				credits( user.uncovered ),
				user.name
			) }
			confirmLabel={ __( 'Clear uncovered usage', 'aipkit-usage' ) }
			onConfirm={ run }
			onCancel={ onCancel }
			busy={ busy }
			error={ error?.message }
		/>
	);
}

function UsageList( { usage } ) {
	if ( ! usage?.length ) {
		return <span>{ __( 'No usage recorded', 'aipkit-usage' ) }</span>;
	}
	return (
		<ul className="aipkit-usage-scopes">
			{ usage.map( ( u ) => (
				<li key={ u.scope }>
					<strong>{ u.scope_label || u.scope }</strong>:{ ' ' }
					{ credits( u.used ) }
					{ u.limit !== null
						? ` / ${ credits( u.limit ) }`
						: ` (${ __( 'unlimited', 'aipkit-usage' ) })` }
					{ u.period && u.period !== 'never'
						? ` · ${ u.period_label || u.period }`
						: '' }
				</li>
			) ) }
		</ul>
	);
}

function Details( { userId, onClose, onReset } ) {
	const [ d, setD ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ confirm, setConfirm ] = useState( null );
	const load = useCallback(
		() =>
			api( `/balances/${ userId }` ).then( setD, ( e ) =>
				setError( e.message )
			),
		[ userId ]
	);
	useEffect( () => {
		load();
	}, [ load ] );
	const usageColumns = [
		{
			title: __( 'Scope', 'aipkit-usage' ),
			cell: ( u ) => u.scope_label || u.scope,
		},
		{
			title: __( 'Period', 'aipkit-usage' ),
			cell: ( u ) => u.period_label || u.period_key,
		},
		{
			title: __( 'Used', 'aipkit-usage' ),
			cell: ( u ) => credits( u.used ),
		},
		{
			title: __( 'Limit', 'aipkit-usage' ),
			cell: ( u ) =>
				u.limit === null
					? __( 'Unlimited', 'aipkit-usage' )
					: credits( u.limit ),
		},
		{
			title: (
				<span className="screen-reader-text">
					{ __( 'Actions', 'aipkit-usage' ) }
				</span>
			),
			cell: ( u ) => (
				<Button
					variant="secondary"
					isDestructive
					onClick={ () => setConfirm( u ) }
				>
					{ __( 'Reset usage', 'aipkit-usage' ) }
				</Button>
			),
		},
	];
	return (
		<Modal
			title={ __( 'User details', 'aipkit-usage' ) }
			onRequestClose={ onClose }
			style={ { maxWidth: 640 } }
		>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ ! d && ! error && <Spinner /> }
			{ d && (
				<>
					<p>
						<strong>{ d.name }</strong> ({ d.email }) ·{ ' ' }
						{ __( 'Balance', 'aipkit-usage' ) }{ ' ' }
						{ credits( d.balance.balance ) }
						{ d.balance.held !== '0.000000' &&
							` · ${ __( 'held by requests in progress', 'aipkit-usage' ) } ${ credits( d.balance.held ) }` }
					</p>
					<p>
						{ __( 'Latest reset:', 'aipkit-usage' ) }{ ' ' }
						{ d.latest_reset || __( 'never', 'aipkit-usage' ) }
					</p>
					{ d.usage.length === 0 ? (
						<p>
							{ __(
								'No periodic usage recorded for this user yet.',
								'aipkit-usage'
							) }
						</p>
					) : (
						<DataTable
							columns={ usageColumns }
							rows={ d.usage }
							rowKey={ ( u ) => u.scope }
						/>
					) }
				</>
			) }
			{ confirm && (
				<ConfirmReset
					user={ d }
					scope={ confirm.scope }
					label={ confirm.scope_label }
					onCancel={ () => setConfirm( null ) }
					onDone={ () => {
						setConfirm( null );
						load();
						onReset();
					} }
				/>
			) }
		</Modal>
	);
}

function History( { user, onClose } ) {
	const [ items, setItems ] = useState( null );
	const [ cursor, setCursor ] = useState( null );
	const [ error, setError ] = useState( null );
	const more = useCallback(
		( before = '' ) =>
			api(
				`/balances/${ user.user_id }/history${ qs( { before } ) }`
			).then(
				( r ) => {
					setItems( ( old ) =>
						before ? [ ...( old || [] ), ...r.items ] : r.items
					);
					setCursor( r.next_cursor );
				},
				( e ) => setError( e.message )
			),
		[ user.user_id ]
	);
	useEffect( () => {
		more();
	}, [ more ] );
	return (
		<Modal
			title={ sprintf(
				/* translators: %s: user */ __(
					'History of %s',
					'aipkit-usage'
				),
				user.name
			) }
			onRequestClose={ onClose }
			style={ { maxWidth: 760 } }
		>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ items === null && ! error && <Spinner /> }
			{ items && items.length === 0 && (
				<p>
					{ __(
						'No ledger entries for this user yet.',
						'aipkit-usage'
					) }
				</p>
			) }
			{ items && items.length > 0 && (
				<LedgerTable
					items={ items }
					columns={ [
						'date',
						'kind',
						'amount',
						'quota',
						'balanceAfter',
						'details',
					] }
				/>
			) }
			{ cursor && (
				<Button variant="secondary" onClick={ () => more( cursor ) }>
					{ __( 'Load more', 'aipkit-usage' ) }
				</Button>
			) }
			{ rangeOf( items ) && (
				<p>
					<a
						href={ activityUrl( {
							userId: user.user_id,
							...rangeOf( items ),
						} ) }
					>
						{ __(
							'Open these entries in Activity (date range and user preset)',
							'aipkit-usage'
						) }
					</a>
				</p>
			) }
		</Modal>
	);
}

export default function BalancesScreen() {
	const [ search, setSearch ] = useState( '' );
	const [ page, setPage ] = useState( 1 );
	const [ data, setData ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ details, setDetails ] = useState( null );
	const [ history, setHistory ] = useState( null );
	const [ resetAll, setResetAll ] = useState( null );
	const [ clearUncovered, setClearUncovered ] = useState( null );
	const [ why, setWhy ] = useState( null );

	const load = useCallback( () => {
		api( `/balances${ qs( { search, page } ) }` ).then(
			( d ) => {
				setData( d );
				setError( null );
			},
			( e ) => setError( e.message )
		);
	}, [ search, page ] );
	useEffect( () => {
		const t = setTimeout( load, 250 );
		return () => clearTimeout( t );
	}, [ load ] );

	const columns = [
		{
			title: __( 'User', 'aipkit-usage' ),
			cell: ( u ) => (
				<>
					<strong>{ u.name }</strong>
					<br />
					{ u.email }
				</>
			),
		},
		{
			title: __( 'Credit Balance', 'aipkit-usage' ),
			cell: ( u ) => <BalanceCell user={ u } />,
		},
		{
			title: __( 'Usage', 'aipkit-usage' ),
			cell: ( u ) => <UsageList usage={ u.usage } />,
		},
		{
			title: __( 'Latest Reset', 'aipkit-usage' ),
			cell: ( u ) => u.latest_reset || '—',
		},
		{
			title: __( 'Uncovered', 'aipkit-usage' ),
			cell: ( u ) =>
				u.uncovered && u.uncovered !== '0.000000'
					? credits( u.uncovered )
					: '—',
		},
		{
			title: __( 'Actions', 'aipkit-usage' ),
			cell: ( u ) => (
				<RowActions
					actions={ [
						{
							label: __( 'Details', 'aipkit-usage' ),
							onClick: () => setDetails( u.user_id ),
						},
						u.usage.length > 0 && {
							label: __( 'Reset all', 'aipkit-usage' ),
							isDestructive: true,
							onClick: () => setResetAll( u ),
						},
						u.uncovered &&
							u.uncovered !== '0.000000' && {
								label: __( 'Clear uncovered', 'aipkit-usage' ),
								isDestructive: true,
								onClick: () => setClearUncovered( u ),
							},
						{
							label: __( 'History', 'aipkit-usage' ),
							onClick: () => setHistory( u ),
						},
						{
							label: __(
								'Why was this refused?',
								'aipkit-usage'
							),
							onClick: () => setWhy( u ),
						},
					] }
				/>
			),
		},
	];
	const pages = data
		? Math.max( 1, Math.ceil( data.total / data.per_page ) )
		: 1;
	return (
		<Card className="aipkit-balances">
			<CardHeader>
				<h2 style={ { margin: 0 } }>
					{ __( 'Balances', 'aipkit-usage' ) }
				</h2>
			</CardHeader>
			<CardBody>
				<SearchControl
					label={ __(
						'Search users by name or email',
						'aipkit-usage'
					) }
					value={ search }
					onChange={ ( v ) => {
						setSearch( v );
						setPage( 1 );
					} }
				/>
				{ error && (
					<Notice status="error" isDismissible={ false }>
						{ error }
					</Notice>
				) }
				{ ! data && ! error && <Spinner /> }
				{ data && data.items.length === 0 && (
					<EmptyState
						id="balances"
						title={ __( 'No users found', 'aipkit-usage' ) }
					>
						<p>
							{ search
								? __(
										'No user matches this search. Try part of the name or email.',
										'aipkit-usage'
									)
								: __(
										'There are no users yet.',
										'aipkit-usage'
									) }
						</p>
					</EmptyState>
				) }
				{ data && data.items.length > 0 && (
					<DataTable
						className="aipkit-balances-table"
						columns={ columns }
						rows={ data.items }
						rowKey={ ( u ) => u.user_id }
						rowProps={ ( u ) => ( { 'data-user-id': u.user_id } ) }
					/>
				) }
				{ pages > 1 && (
					<div
						style={ {
							marginTop: 12,
							display: 'flex',
							gap: 8,
							alignItems: 'center',
						} }
					>
						<Button
							variant="secondary"
							disabled={ page <= 1 }
							onClick={ () => setPage( page - 1 ) }
						>
							{ __( 'Previous', 'aipkit-usage' ) }
						</Button>
						<span>
							{ sprintf(
								/* translators: 1: page, 2: pages */ __(
									'Page %1$d of %2$d',
									'aipkit-usage'
								),
								page,
								pages
							) }
						</span>
						<Button
							variant="secondary"
							disabled={ page >= pages }
							onClick={ () => setPage( page + 1 ) }
						>
							{ __( 'Next', 'aipkit-usage' ) }
						</Button>
					</div>
				) }
			</CardBody>
			{ details && (
				<Details
					userId={ details }
					onClose={ () => setDetails( null ) }
					onReset={ load }
				/>
			) }
			{ history && (
				<History
					user={ history }
					onClose={ () => setHistory( null ) }
				/>
			) }
			{ clearUncovered && (
				<ConfirmClearUncovered
					user={ clearUncovered }
					onCancel={ () => setClearUncovered( null ) }
					onDone={ () => {
						setClearUncovered( null );
						load();
					} }
				/>
			) }
			{ why && (
				<WhyRefused user={ why } onClose={ () => setWhy( null ) } />
			) }
			{ resetAll && (
				<ConfirmReset
					user={ resetAll }
					scope="all"
					onCancel={ () => setResetAll( null ) }
					onDone={ () => {
						setResetAll( null );
						load();
					} }
				/>
			) }
		</Card>
	);
}
