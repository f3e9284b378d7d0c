import { Modal, Spinner, Notice } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { fetchConversation } from './api';
import ScoreBadge from './ScoreBadge';

function Meta( { ex } ) {
	const ms = ex.metadata && Number.isFinite( Number( ex.metadata.duration_ms ) ) ? Number( ex.metadata.duration_ms ) : null;
	return (
		<ul className="aipkit-logs-meta">
			<li>{ sprintf( __( 'Provider: %s', 'aipkit-usage' ), ex.provider || '—' ) }</li>
			<li>{ sprintf( __( 'Model: %s', 'aipkit-usage' ), ex.model || '—' ) }</li>
			<li>{ sprintf( __( 'Tokens: %1$d in / %2$d out', 'aipkit-usage' ), ex.input_tokens, ex.output_tokens ) }</li>
			<li>{ sprintf( __( 'Credits: %s', 'aipkit-usage' ), ex.credits ) }</li>
			{ ms !== null && <li>{ sprintf( __( 'Time: %d ms', 'aipkit-usage' ), ms ) }</li> }
			<li>{ sprintf( __( 'Status: %s', 'aipkit-usage' ), ex.status ) }</li>
			<li>{ new Date( ex.created_at ).toLocaleString() }</li>
		</ul>
	);
}

/** The full exchange of one conversation, in order. Message text is rendered as text, never as HTML. */
export default function ConversationModal( { id, onClose } ) {
	const [ data, setData ] = useState( null );
	const [ error, setError ] = useState( null );

	useEffect( () => {
		let live = true;
		fetchConversation( id ).then(
			( d ) => live && setData( d ),
			( e ) => live && setError( e.message || String( e ) )
		);
		return () => {
			live = false;
		};
	}, [ id ] );

	return (
		<Modal title={ __( 'Conversation', 'aipkit-usage' ) } onRequestClose={ onClose } className="aipkit-logs-conversation">
			{ error && <Notice status="error" isDismissible={ false }>{ error }</Notice> }
			{ ! data && ! error && <Spinner /> }
			{ data &&
				data.exchanges.map( ( ex ) => (
					<div key={ ex.id } className="aipkit-logs-exchange" data-log-id={ ex.id }>
						<div className="aipkit-logs-msg is-user">
							<strong>{ __( 'User', 'aipkit-usage' ) }</strong>
							<p className="aipkit-logs-msg__text">{ ex.user_message }</p>
						</div>
						<div className="aipkit-logs-msg is-assistant">
							<strong>{ __( 'Assistant', 'aipkit-usage' ) }</strong>{ ' ' }
							<ScoreBadge score={ ex.score } items={ ex.vector_context } />
							<p className="aipkit-logs-msg__text">{ ex.reply }</p>
						</div>
						<Meta ex={ ex } />
					</div>
				) ) }
			{ data && data.next_after && (
				<p>{ __( 'Showing the first 200 exchanges of this conversation. Export the logs to see all of them.', 'aipkit-usage' ) }</p>
			) }
		</Modal>
	);
}
