import { Button, Modal, Spinner, Notice } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { fetchConversation } from './api';
import ScoreBadge from './ScoreBadge';
import { formatSiteIso } from '../components/time';

function Meta( { ex } ) {
	const ms =
		ex.metadata && Number.isFinite( Number( ex.metadata.duration_ms ) )
			? Number( ex.metadata.duration_ms )
			: null;
	return (
		<ul className="aipkit-logs-meta">
			<li>
				{ sprintf(
					/* translators: %s: AI provider name */
					__( 'Provider: %s', 'aipkit-usage' ),
					ex.provider || '—'
				) }
			</li>
			<li>
				{ sprintf(
					/* translators: %s: AI model name */
					__( 'Model: %s', 'aipkit-usage' ),
					ex.model || '—'
				) }
			</li>
			<li>
				{ sprintf(
					/* translators: 1: input tokens, 2: output tokens */
					__( 'Tokens: %1$d in / %2$d out', 'aipkit-usage' ),
					ex.input_tokens,
					ex.output_tokens
				) }
			</li>
			<li>
				{ sprintf(
					/* translators: %s: credits charged (decimal number) */
					__( 'Credits: %s', 'aipkit-usage' ),
					ex.credits
				) }
			</li>
			{ ms !== null && (
				<li>
					{ sprintf(
						/* translators: %d: response time in milliseconds */
						__( 'Time: %d ms', 'aipkit-usage' ),
						ms
					) }
				</li>
			) }
			<li>
				{ sprintf(
					/* translators: %s: exchange status code, e.g. "success" */
					__( 'Status: %s', 'aipkit-usage' ),
					ex.status
				) }
			</li>
			<li>{ formatSiteIso( ex.created_at ) }</li>
		</ul>
	);
}

function guestLabel( key ) {
	return key
		? sprintf(
				/* translators: %s: first characters of the guest's key */
				__( 'Guest %s', 'aipkit-usage' ),
				key.slice( 0, 6 )
			)
		: __( 'Guest', 'aipkit-usage' );
}

/**
 * Who, where and when: user, module, bot, the module's conversation id, first and last time.
 *
 * @param {Object} props
 * @param {Object} props.c The conversation summary.
 */
function Header( { c } ) {
	const rows = [
		[
			__( 'User', 'aipkit-usage' ),
			c.user_id ? c.user_name : guestLabel( c.guest_key ),
		],
		[ __( 'Module', 'aipkit-usage' ), c.module_name || c.module ],
		[
			__( 'Bot', 'aipkit-usage' ),
			c.bot_id
				? `${ c.bot_name || c.bot_id }${
						c.bot_name && c.bot_name !== c.bot_id
							? ` (${ c.bot_id })`
							: ''
					}`
				: __( 'No bot', 'aipkit-usage' ),
		],
		[
			__( 'Conversation ID', 'aipkit-usage' ),
			c.reference ||
				sprintf(
					/* translators: %d: internal conversation number */
					__( '#%d (none sent by the module)', 'aipkit-usage' ),
					c.id
				),
		],
		[ __( 'First message', 'aipkit-usage' ), formatSiteIso( c.first_at ) ],
		[ __( 'Last message', 'aipkit-usage' ), formatSiteIso( c.last_at ) ],
	];
	return (
		<dl className="aipkit-logs-conversation__header">
			{ rows.map( ( [ label, value ] ) => (
				<div key={ label } style={ { display: 'contents' } }>
					<dt>{ label }</dt>
					<dd>{ value }</dd>
				</div>
			) ) }
		</dl>
	);
}

/**
 * The full exchange of one conversation, in order, paged by log id ("Load more" appends the next
 * page, so a long conversation can be read to its end). Message text is rendered as text, never as HTML.
 *
 * @param {Object}   props
 * @param {number}   props.id      Conversation id.
 * @param {Function} props.onClose Closes the modal.
 */
export default function ConversationModal( { id, onClose } ) {
	const [ exchanges, setExchanges ] = useState( null );
	const [ conversation, setConversation ] = useState( null );
	const [ nextAfter, setNextAfter ] = useState( null );
	const [ loading, setLoading ] = useState( false );
	const [ error, setError ] = useState( null );
	const live = useRef( true );

	useEffect( () => {
		live.current = true;
		return () => {
			live.current = false;
		};
	}, [] );

	const load = ( after ) => {
		setLoading( true );
		setError( null );
		fetchConversation( id, after ).then(
			( d ) => {
				if ( ! live.current ) {
					return;
				}
				setConversation( d.conversation );
				setExchanges( ( prev ) =>
					after && prev ? prev.concat( d.exchanges ) : d.exchanges
				);
				setNextAfter( d.next_after );
				setLoading( false );
			},
			( e ) => {
				if ( live.current ) {
					setError( e.message || String( e ) );
					setLoading( false );
				}
			}
		);
	};

	useEffect( () => {
		setExchanges( null );
		load( 0 );
	}, [ id ] ); // eslint-disable-line react-hooks/exhaustive-deps

	return (
		<Modal
			title={ __( 'Conversation', 'aipkit-usage' ) }
			onRequestClose={ onClose }
			className="aipkit-logs-conversation"
		>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ conversation && <Header c={ conversation } /> }
			{ ! exchanges && ! error && <Spinner /> }
			{ exchanges &&
				exchanges.map( ( ex ) => (
					<div
						key={ ex.id }
						className="aipkit-logs-exchange"
						data-log-id={ ex.id }
					>
						<div className="aipkit-logs-msg is-user">
							<strong className="aipkit-logs-msg__who">
								{ ex.user_id
									? ex.user_name
									: guestLabel( ex.guest_key ) }
							</strong>
							<p className="aipkit-logs-msg__text">
								{ ex.user_message }
							</p>
						</div>
						<div className="aipkit-logs-msg is-assistant">
							<strong>
								{ __( 'Assistant', 'aipkit-usage' ) }
							</strong>{ ' ' }
							<ScoreBadge
								score={ ex.score }
								items={ ex.vector_context }
							/>
							<p className="aipkit-logs-msg__text">
								{ ex.reply }
							</p>
						</div>
						<Meta ex={ ex } />
					</div>
				) ) }
			{ exchanges && conversation && (
				<p
					className="aipkit-logs-conversation__count"
					aria-live="polite"
				>
					{ sprintf(
						/* translators: 1: exchanges shown so far, 2: exchanges in the conversation */
						__( 'Showing %1$d of %2$d exchanges.', 'aipkit-usage' ),
						exchanges.length,
						Math.max( conversation.exchanges, exchanges.length )
					) }
				</p>
			) }
			{ exchanges && nextAfter && (
				<Button
					variant="secondary"
					onClick={ () => load( nextAfter ) }
					isBusy={ loading }
					aria-disabled={ loading }
				>
					{ __( 'Load more', 'aipkit-usage' ) }
				</Button>
			) }
		</Modal>
	);
}
