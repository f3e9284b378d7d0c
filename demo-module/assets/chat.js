/* Demo chat box: the reply streams in when the shortcode says stream="true", else comes as one JSON answer. */
( function () {
	const client = window.aipkitDemoClient;
	document.querySelectorAll( '.aipkit-demo-chat' ).forEach( function ( box ) {
		const list = box.querySelector( '.aipkit-demo-messages' );
		const stream = box.dataset.stream === '1';
		client.bind( box, function ( message, input ) {
			list.appendChild( client.el( 'li', 'You: ' + message ) );
			input.value = '';
			let reply = null;
			// Created on the first piece of text, so a refused request leaves no empty "Bot:" line.
			function append( text ) {
				if ( ! reply ) {
					reply = list.appendChild( client.el( 'li', 'Bot: ' ) );
				}
				reply.appendChild( document.createTextNode( text ) );
			}
			const payload = {
				bot: box.dataset.bot,
				message,
				conversation_id: box.dataset.conversation.replace(
					/[^A-Za-z0-9_-]/g,
					''
				),
				stream,
			};
			return client
				.send( payload, stream ? append : null )
				.then( function ( res ) {
					if ( res.ok && ! stream ) {
						append( res.body.reply );
					}
					return res;
				} );
		} );
	} );
} )();
