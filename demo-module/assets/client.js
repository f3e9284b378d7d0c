/*
 * Shared by the demo widgets: posts to aipkit-demo/v1/chat (JSON, or an event stream read with
 * fetch + ReadableStream), shows the cost, or the quota notice with its action links.
 * Everything from the server is written as text nodes, never as HTML.
 */
window.aipkitDemoClient = ( function () {
	var cfg = window.aipkitDemo;

	function el( tag, text ) {
		var e = document.createElement( tag );
		if ( text !== undefined ) {
			e.textContent = text;
		}
		return e;
	}

	// Reads `event: x\ndata: {json}\n\n` blocks; calls onChunk(text) per chunk, resolves with done's data.
	function readStream( body, onChunk ) {
		var reader = body.getReader();
		var decoder = new TextDecoder();
		var buffer = '';
		var done = null;
		function handle( block ) {
			var event = 'message';
			var data = '';
			block.split( '\n' ).forEach( function ( line ) {
				if ( line.indexOf( 'event:' ) === 0 ) {
					event = line.slice( 6 ).trim();
				} else if ( line.indexOf( 'data:' ) === 0 ) {
					data += line.slice( 5 ).trim();
				}
			} );
			if ( ! data ) {
				return;
			}
			var payload = JSON.parse( data );
			if ( event === 'chunk' ) {
				onChunk( String( payload.text ) );
			} else if ( event === 'done' ) {
				done = payload;
			}
		}
		function pump() {
			return reader.read().then( function ( step ) {
				buffer += decoder.decode( step.value || new Uint8Array(), {
					stream: ! step.done,
				} );
				var parts = buffer.split( '\n\n' );
				buffer = parts.pop();
				parts.forEach( handle );
				if ( ! step.done ) {
					return pump();
				}
				if ( buffer.trim() ) {
					handle( buffer );
				}
				if ( ! done ) {
					throw new Error( 'The reply stream ended early.' );
				}
				return done;
			} );
		}
		return pump();
	}

	/** Resolves with { ok, body }: body is the JSON answer, the stream's `done` data, or the error. */
	function send( payload, onChunk ) {
		return fetch( cfg.url, {
			method: 'POST',
			credentials: 'same-origin',
			headers: {
				'Content-Type': 'application/json',
				'X-Aipkit-Demo-Nonce': cfg.nonce,
				'X-WP-Nonce': cfg.rest,
			},
			body: JSON.stringify( payload ),
		} ).then( function ( r ) {
			var type = r.headers.get( 'Content-Type' ) || '';
			if (
				r.ok &&
				type.indexOf( 'text/event-stream' ) === 0 &&
				r.body &&
				onChunk
			) {
				return readStream( r.body, onChunk ).then( function ( body ) {
					return { ok: true, body: body };
				} );
			}
			return r.json().then( function ( body ) {
				return { ok: r.ok, body: body };
			} );
		} );
	}

	function cost( status, body ) {
		status.textContent =
			'Cost: ' +
			body.credits +
			' credits' +
			( body.balance_after !== null && body.balance_after !== undefined
				? ' · balance ' + body.balance_after
				: '' );
	}

	// The refusal's message, then "Buy credits" / "View usage" as links when the site set their URLs.
	function notice( status, body ) {
		status.textContent = ( body && body.message ) || 'The request failed.';
		var actions = ( body && body.data && body.data.actions ) || {};
		[ 'buy_credits', 'view_usage' ].forEach( function ( k ) {
			var action = actions[ k ];
			if (
				action &&
				typeof action.url === 'string' &&
				/^https?:\/\//i.test( action.url )
			) {
				var a = el( 'a', action.label );
				a.href = action.url;
				status.appendChild( document.createTextNode( ' ' ) );
				status.appendChild( a );
			}
		} );
	}

	// Wires a widget's form: onSubmit(message) returns the request's promise; the button waits for it.
	function bind( box, onSubmit ) {
		var form = box.querySelector( 'form' );
		var status = box.querySelector( '.aipkit-demo-status' );
		form.addEventListener( 'submit', function ( ev ) {
			ev.preventDefault();
			var input = form.querySelector( '[name="message"]' );
			var button = form.querySelector( 'button' );
			var message = input.value.trim();
			if ( ! message || button.disabled ) {
				return;
			}
			button.disabled = true;
			status.textContent = 'Working…';
			onSubmit( message, input, status )
				.then( function ( res ) {
					if ( res.ok ) {
						cost( status, res.body );
					} else {
						notice( status, res.body );
					}
				} )
				.catch( function () {
					status.textContent =
						'Network error: the request was not completed.';
				} )
				.then( function () {
					button.disabled = false;
				} );
		} );
	}

	return { el: el, send: send, bind: bind };
} )();
