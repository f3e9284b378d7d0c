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
import { __, _n, sprintf } from '@wordpress/i18n';
import {
	exportUrl,
	fetchFilterChoices,
	fetchMatchCount,
	fetchPage,
} from './api';
import BotName from './BotName';
import ConversationModal from './ConversationModal';
import Highlight, { markPattern } from './Highlight';
import DeleteDialog from './DeleteDialog';
import RetentionDialog from './RetentionDialog';
import { formatSiteIso } from '../components/time';

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

/**
 * What an empty list means for these filters (a bot whose logs were deleted: "No logs for …").
 *
 * @param {Object} props
 * @param {Object} props.page    The page answer.
 * @param {Object} props.filters The active filters.
 * @param {Object} props.bot     The selected bot's details, when known.
 */
function EmptyText( { page, filters, bot } ) {
	if ( page.partial ) {
		return __( 'Still searching older logs…', 'aipkit-usage' );
	}
	if ( filters.bot === '__none__' ) {
		return __(
			'No logs without a bot match these filters.',
			'aipkit-usage'
		);
	}
	if ( filters.bot ) {
		const name = bot && bot.name ? bot.name : filters.bot;
		return filters.search || filters.range || filters.module
			? sprintf(
					/* translators: %s: bot name */
					__( 'No logs of %s match these filters.', 'aipkit-usage' ),
					name
				)
			: sprintf(
					/* translators: %s: bot name */
					__( 'No logs for %s.', 'aipkit-usage' ),
					name
				);
	}
	return __( 'No logs match these filters.', 'aipkit-usage' );
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
 * The bots for the filter, grouped by module (chatbot / AI forms / image generator…) in the order
 * of the module list; a bot still selected after its logs were deleted stays listed.
 *
 * @param {Object} choices  { bots, modules } from /logs/filters.
 * @param {string} selected The selected bot id ('' or '__none__' for none).
 * @param {Object} known    Bots seen earlier in this visit, by id.
 * @return {Array<{label: string, bots: Array}>} Groups of bots.
 */
function botGroups( choices, selected, known ) {
	const bots = [ ...choices.bots ];
	if (
		selected &&
		selected !== '__none__' &&
		! bots.some( ( b ) => b.id === selected )
	) {
		bots.push( known[ selected ] || { id: selected, name: selected } );
	}
	const order = choices.modules.map( ( m ) => m.id );
	const groups = new Map();
	for ( const b of bots ) {
		const key = b.module || '';
		if ( ! groups.has( key ) ) {
			groups.set( key, {
				key,
				label: b.module_name || __( 'Other', 'aipkit-usage' ),
				bots: [],
			} );
		}
		groups.get( key ).bots.push( b );
	}
	const rank = ( k ) => ( order.includes( k ) ? order.indexOf( k ) : 1e6 );
	return [ ...groups.values() ].sort(
		( a, b ) => rank( a.key ) - rank( b.key )
	);
}

function botOptionLabel( b ) {
	return b.name && b.name !== b.id ? `${ b.name } (${ b.id })` : b.id;
}

/**
 * The matching exchange of a search result, words marked: the user's message when it matches,
 * else the reply.
 *
 * @param {Object} props
 * @param {Object} props.match The matching exchange { user_message, reply }.
 * @param {Array}  props.marks The words and how they match.
 */
function MatchText( { match, marks } ) {
	const re = markPattern( marks );
	const inMessage = re && re.test( match.user_message || '' );
	const text = inMessage || ! match.reply ? match.user_message : match.reply;
	// One span: the link Button lays its children out as flex items, which would drop the spaces
	// between the text pieces and the marks.
	return (
		<span className="aipkit-logs__match">
			<span className="aipkit-logs__role">
				{ inMessage || ! match.reply
					? __( 'User:', 'aipkit-usage' )
					: __( 'Reply:', 'aipkit-usage' ) }
			</span>{ ' ' }
			<Highlight text={ text } marks={ marks } />
		</span>
	);
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
	const [ matchCount, setMatchCount ] = useState( null );
	// Bots seen during this visit: a bot whose logs were just deleted keeps its name in the filter.
	const [ knownBots, setKnownBots ] = useState( {} );

	useEffect( () => {
		fetchFilterChoices().then(
			( c ) => {
				setChoices( c );
				setKnownBots( ( k ) => {
					const next = { ...k };
					for ( const b of c.bots ) {
						next[ b.id ] = b;
					}
					return next;
				} );
			},
			( e ) => setError( e.message )
		);
	}, [ reload ] );

	// The number of matching conversations: once per search, not per page.
	useEffect( () => {
		setMatchCount( null );
		if ( ! filters.search ) {
			return;
		}
		let live = true;
		fetchMatchCount( filters ).then(
			( c ) => live && setMatchCount( c ),
			() => live && setMatchCount( null )
		);
		return () => {
			live = false;
		};
	}, [ filters, reload ] );

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
					label={ __( 'Bot', 'aipkit-usage' ) }
					className="aipkit-logs__bot"
					value={ filters.bot }
					onChange={ ( v ) => setFilter( 'bot', v ) }
				>
					<option value="">
						{ __( 'All bots', 'aipkit-usage' ) }
					</option>
					<option value="__none__">
						{ __( 'No bot', 'aipkit-usage' ) }
					</option>
					{ botGroups( choices, filters.bot, knownBots ).map(
						( g ) => (
							<optgroup key={ g.key } label={ g.label }>
								{ g.bots.map( ( b ) => (
									<option key={ b.id } value={ b.id }>
										{ botOptionLabel( b ) }
									</option>
								) ) }
							</optgroup>
						)
					) }
				</SelectControl>
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

			{ filters.search && matchCount && (
				<p className="aipkit-logs__match-count" aria-live="polite">
					{ ( () => {
						if ( matchCount.conversations === null ) {
							return __(
								'Many conversations match this search.',
								'aipkit-usage'
							);
						}
						if ( matchCount.at_least ) {
							// Frequent words are counted in the newest exchanges only (a bounded read):
							// what was found there is a lower bound.
							if ( matchCount.conversations === 0 ) {
								return __(
									'No conversation matches among the newest exchanges; older ones were not counted.',
									'aipkit-usage'
								);
							}
							return sprintf(
								/* translators: %s: number of conversations found in the newest exchanges */
								_n(
									'At least %s conversation matches this search (counted in the newest exchanges).',
									'At least %s conversations match this search (counted in the newest exchanges).',
									matchCount.conversations,
									'aipkit-usage'
								),
								matchCount.conversations.toLocaleString()
							);
						}
						if ( matchCount.capped ) {
							return sprintf(
								/* translators: %s: a number, e.g. 10,000 */
								__(
									'More than %s conversations match this search.',
									'aipkit-usage'
								),
								matchCount.conversations.toLocaleString()
							);
						}
						return sprintf(
							/* translators: %s: number of conversations */
							_n(
								'%s conversation matches this search.',
								'%s conversations match this search.',
								matchCount.conversations,
								'aipkit-usage'
							),
							matchCount.conversations.toLocaleString()
						);
					} )() }
				</p>
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
						<th>
							{ filters.search
								? __( 'Matching message', 'aipkit-usage' )
								: __( 'Last message', 'aipkit-usage' ) }
						</th>
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
								<td>{ formatSiteIso( row.last_at ) }</td>
								<td className="aipkit-logs__source">
									<BotName row={ row } />
								</td>
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
										{ row.match && page.highlight ? (
											<MatchText
												match={ row.match }
												marks={ page.highlight }
											/>
										) : (
											row.last_preview ||
											__( '(empty)', 'aipkit-usage' )
										) }
									</Button>
								</td>
							</tr>
						) ) }
					{ page && page.items.length === 0 && (
						<tr>
							<td colSpan={ 7 } className="aipkit-logs__empty">
								<EmptyText
									page={ page }
									filters={ filters }
									bot={ knownBots[ filters.bot ] }
								/>{ ' ' }
								{ filters.bot && (
									<Button
										variant="link"
										onClick={ () => setFilter( 'bot', '' ) }
									>
										{ __(
											'Show all bots',
											'aipkit-usage'
										) }
									</Button>
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
					onDeleted={ ( n, stopped ) => {
						setNotice(
							stopped
								? sprintf(
										/* translators: %d: number of exchanges deleted before stopping */
										__(
											'Deleting stopped: %d exchanges were deleted, the rest were kept.',
											'aipkit-usage'
										),
										n
									)
								: sprintf(
										/* translators: %d: number of exchanges deleted */
										__(
											'%d exchanges deleted.',
											'aipkit-usage'
										),
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
