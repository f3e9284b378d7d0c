import {
	Button,
	DropdownMenu,
	MenuGroup,
	MenuItem,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { exportUrl, fetchFilterChoices, fetchPage } from './api';
import ConversationModal from './ConversationModal';
import DeleteDialog from './DeleteDialog';
import RetentionDialog from './RetentionDialog';

const PAGE_SIZES = [ 10, 20, 50, 100 ];
const PAGE_SIZE_KEY = 'aipkitUsage.logs.perPage';
const EMPTY = { search: '', bot: '', module: '', range: '' };

function storedPageSize() {
	try {
		const n = Number( window.localStorage.getItem( PAGE_SIZE_KEY ) );
		return PAGE_SIZES.includes( n ) ? n : 20;
	} catch {
		// Storage blocked (privacy mode, sandboxed frame): the default size.
		return 20;
	}
}

function userLabel( row ) {
	if ( row.user_id ) {
		return row.user_name;
	}
	return row.guest_key
		? sprintf(
				/* translators: %s: first characters of the guest's key */
				__( 'Guest %s', 'aipkit-usage' ),
				row.guest_key.slice( 0, 6 )
			)
		: __( 'Guest', 'aipkit-usage' );
}

/**
 * AI Puffer > Usage > Logs: conversation list with filters, exchange view, export, delete, retention.
 *
 * @param {Object} props
 * @param {Object} props.boot The page's boot data (capabilities, restRoot).
 */
export default function LogsScreen( { boot = {} } ) {
	const caps = boot.capabilities || {};
	const [ choices, setChoices ] = useState( { bots: [], modules: [] } );
	const [ draftSearch, setDraftSearch ] = useState( '' );
	const [ filters, setFilters ] = useState( EMPTY );
	const [ perPage, setPerPage ] = useState( storedPageSize );
	const [ cursors, setCursors ] = useState( [ '' ] ); // cursor of each page visited so far
	const [ page, setPage ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ loading, setLoading ] = useState( false );
	const [ openId, setOpenId ] = useState( null );
	const [ dialog, setDialog ] = useState( null );
	const [ notice, setNotice ] = useState( null );
	const [ reload, setReload ] = useState( 0 );

	useEffect( () => {
		fetchFilterChoices().then( setChoices, ( e ) => setError( e.message ) );
	}, [ reload ] );

	const cursor = cursors[ cursors.length - 1 ];
	useEffect( () => {
		let live = true;
		setLoading( true );
		fetchPage( filters, perPage, cursor ).then(
			( p ) => {
				if ( live ) {
					setPage( p );
					setError( null );
					setLoading( false );
				}
			},
			( e ) => {
				if ( live ) {
					setError( e.message || String( e ) );
					setPage( null );
					setLoading( false );
				}
			}
		);
		return () => {
			live = false;
		};
	}, [ filters, perPage, cursor, reload ] );

	const setFilter = useCallback( ( key, value ) => {
		setFilters( ( f ) => ( { ...f, [ key ]: value } ) );
		setCursors( [ '' ] );
	}, [] );

	// Search runs when typing pauses, not on every keystroke.
	useEffect( () => {
		const t = setTimeout( () => {
			if ( draftSearch !== filters.search ) {
				setFilter( 'search', draftSearch );
			}
		}, 400 );
		return () => clearTimeout( t );
	}, [ draftSearch, filters.search, setFilter ] );

	const changePageSize = ( v ) => {
		const n = Number( v );
		try {
			window.localStorage.setItem( PAGE_SIZE_KEY, String( n ) );
		} catch {
			// Storage blocked: the size still applies to this visit.
		}
		setPerPage( n );
		setCursors( [ '' ] );
	};

	const actions = [];
	if ( caps.aipkit_export_logs ) {
		actions.push( {
			title: __( 'Export logs', 'aipkit-usage' ),
			onClick: () => {
				window.location.href = exportUrl( boot, filters );
			},
		} );
	}
	if ( caps.aipkit_delete_logs ) {
		actions.push( {
			title: __( 'Delete logs', 'aipkit-usage' ),
			onClick: () => setDialog( 'delete' ),
		} );
	}
	if ( caps.aipkit_manage_settings ) {
		actions.push( {
			title: __( 'Set retention', 'aipkit-usage' ),
			onClick: () => setDialog( 'retention' ),
		} );
	}

	return (
		<div className="aipkit-logs">
			<h2>{ __( 'Conversation Logs', 'aipkit-usage' ) }</h2>
			<div className="aipkit-logs__controls">
				<TextControl
					className="aipkit-logs__search"
					label={ __( 'Search logs', 'aipkit-usage' ) }
					value={ draftSearch }
					maxLength={ 200 }
					onChange={ setDraftSearch }
				/>
				<SelectControl
					label={ __( 'Chatbot', 'aipkit-usage' ) }
					value={ filters.bot }
					onChange={ ( v ) => setFilter( 'bot', v ) }
					options={ [
						{ value: '', label: __( 'All bots', 'aipkit-usage' ) },
						{
							value: '__none__',
							label: __( 'No bot', 'aipkit-usage' ),
						},
						...choices.bots.map( ( b ) => ( {
							value: b.id,
							label: b.name,
						} ) ),
					] }
				/>
				<SelectControl
					label={ __( 'Module', 'aipkit-usage' ) }
					value={ filters.module }
					onChange={ ( v ) => setFilter( 'module', v ) }
					options={ [
						{
							value: '',
							label: __( 'All modules', 'aipkit-usage' ),
						},
						...choices.modules.map( ( m ) => ( {
							value: m.id,
							label: m.name,
						} ) ),
					] }
				/>
				<SelectControl
					label={ __( 'Date range', 'aipkit-usage' ) }
					value={ filters.range }
					onChange={ ( v ) => setFilter( 'range', v ) }
					options={ [
						{ value: '', label: __( 'All time', 'aipkit-usage' ) },
						{
							value: '7',
							label: __( 'Last 7 days', 'aipkit-usage' ),
						},
						{
							value: '30',
							label: __( 'Last 30 days', 'aipkit-usage' ),
						},
						{
							value: '90',
							label: __( 'Last 90 days', 'aipkit-usage' ),
						},
					] }
				/>
				{ actions.length > 0 && (
					<DropdownMenu
						icon="ellipsis"
						text={ __( 'Actions', 'aipkit-usage' ) }
						label={ __( 'Log actions', 'aipkit-usage' ) }
						className="aipkit-logs__actions"
						toggleProps={ { variant: 'secondary' } }
					>
						{ ( { onClose } ) => (
							<MenuGroup>
								{ actions.map( ( a ) => (
									<MenuItem
										key={ a.title }
										onClick={ () => {
											onClose();
											a.onClick();
										} }
									>
										{ a.title }
									</MenuItem>
								) ) }
							</MenuGroup>
						) }
					</DropdownMenu>
				) }
			</div>

			{ notice && (
				<Notice status="success" onRemove={ () => setNotice( null ) }>
					{ notice }
				</Notice>
			) }
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }

			<table className="widefat striped aipkit-logs__table">
				<thead>
					<tr>
						<th>{ __( 'Time', 'aipkit-usage' ) }</th>
						<th>{ __( 'Source', 'aipkit-usage' ) }</th>
						<th>{ __( 'User', 'aipkit-usage' ) }</th>
						<th>{ __( 'Exchanges', 'aipkit-usage' ) }</th>
						<th>{ __( 'Tokens', 'aipkit-usage' ) }</th>
						<th>{ __( 'Credits', 'aipkit-usage' ) }</th>
						<th>{ __( 'Last message', 'aipkit-usage' ) }</th>
					</tr>
				</thead>
				<tbody>
					{ page &&
						page.items.map( ( row ) => (
							<tr
								key={ row.id }
								className="aipkit-logs__row"
								data-conversation-id={ row.id }
							>
								<td>
									{ new Date( row.last_at ).toLocaleString() }
								</td>
								<td>{ row.bot_name || row.module_name }</td>
								<td>{ userLabel( row ) }</td>
								<td>{ row.exchanges }</td>
								<td>
									{ row.input_tokens + row.output_tokens }
								</td>
								<td>{ row.credits }</td>
								<td>
									<Button
										variant="link"
										className="aipkit-logs__open"
										onClick={ () => setOpenId( row.id ) }
									>
										{ row.last_preview ||
											__( '(empty)', 'aipkit-usage' ) }
									</Button>
								</td>
							</tr>
						) ) }
					{ page && page.items.length === 0 && (
						<tr>
							<td colSpan={ 7 } className="aipkit-logs__empty">
								{ page.partial
									? __(
											'Still searching older logs…',
											'aipkit-usage'
										)
									: __(
											'No logs match these filters.',
											'aipkit-usage'
										) }
							</td>
						</tr>
					) }
				</tbody>
			</table>

			<div className="aipkit-logs__paging">
				{ loading && <Spinner /> }
				<Button
					variant="secondary"
					disabled={ cursors.length < 2 }
					onClick={ () => setCursors( cursors.slice( 0, -1 ) ) }
				>
					{ __( 'Newer', 'aipkit-usage' ) }
				</Button>{ ' ' }
				<Button
					variant="secondary"
					disabled={ ! page || ! page.next_cursor }
					onClick={ () =>
						setCursors( [ ...cursors, page.next_cursor ] )
					}
				>
					{ page && page.partial
						? __( 'Keep searching', 'aipkit-usage' )
						: __( 'Older', 'aipkit-usage' ) }
				</Button>
				<SelectControl
					label={ __( 'Per page', 'aipkit-usage' ) }
					value={ String( perPage ) }
					onChange={ changePageSize }
					options={ PAGE_SIZES.map( ( n ) => ( {
						value: String( n ),
						label: String( n ),
					} ) ) }
				/>
			</div>

			{ openId && (
				<ConversationModal
					id={ openId }
					onClose={ () => setOpenId( null ) }
				/>
			) }
			{ dialog === 'delete' && (
				<DeleteDialog
					filters={ filters }
					onClose={ () => setDialog( null ) }
					onDeleted={ ( n ) => {
						setNotice(
							sprintf(
								/* translators: %d: number of exchanges deleted */
								__( '%d exchanges deleted.', 'aipkit-usage' ),
								n
							)
						);
						setCursors( [ '' ] );
						setReload( reload + 1 );
					} }
				/>
			) }
			{ dialog === 'retention' && (
				<RetentionDialog onClose={ () => setDialog( null ) } />
			) }
		</div>
	);
}
