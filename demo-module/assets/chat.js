/* Demo chat box: posts to aipkit-demo/v1/chat and shows the reply, its cost, or the quota notice. */
( function () {
	function el( tag, text ) {
		var e = document.createElement( tag );
		e.textContent = text;
		return e;
	}
	document.querySelectorAll( '.aipkit-demo-chat' ).forEach( function ( box ) {
		var form = box.querySelector( 'form' );
		var list = box.querySelector( '.aipkit-demo-messages' );
		var status = box.querySelector( '.aipkit-demo-status' );
		form.addEventListener( 'submit', function ( ev ) {
			ev.preventDefault();
			var input = form.querySelector( 'input' );
			var message = input.value.trim();
			if ( ! message ) {
				return;
			}
			list.appendChild( el( 'li', 'You: ' + message ) );
			input.value = '';
			status.textContent = 'Thinking…';
			fetch( window.aipkitDemoChat.url, {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-Aipkit-Demo-Nonce': window.aipkitDemoChat.nonce, 'X-WP-Nonce': window.aipkitDemoChat.rest },
				body: JSON.stringify( { bot: box.dataset.bot, message: message, conversation_id: box.dataset.conversation.replace( /[^A-Za-z0-9_-]/g, '' ) } ),
			} )
				.then( function ( r ) {
					return r.json().then( function ( body ) {
						return { ok: r.ok, body: body };
					} );
				} )
				.then( function ( res ) {
					if ( ! res.ok ) {
						status.textContent = res.body.message || 'The request failed.';
						var actions = res.body.data && res.body.data.actions;
						if ( actions ) {
							Object.keys( actions ).forEach( function ( k ) {
								if ( actions[ k ].url ) {
									var a = el( 'a', actions[ k ].label );
									a.href = actions[ k ].url;
									status.appendChild( document.createTextNode( ' ' ) );
									status.appendChild( a );
								}
							} );
						}
						return;
					}
					list.appendChild( el( 'li', 'Bot: ' + res.body.reply ) );
					status.textContent = 'Cost: ' + res.body.credits + ' credits' + ( res.body.balance_after !== null ? ' · balance ' + res.body.balance_after : '' );
				} )
				.catch( function () {
					status.textContent = 'Network error: the message was not sent.';
				} );
		} );
	} );
} )();
