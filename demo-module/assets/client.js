/*
 * Shared by the demo widgets: posts to aipkit-demo/v1/chat (JSON, or an event stream read with
 * fetch + ReadableStream), shows the cost, or the quota notice with its action links.
 * Everything from the server is written as text nodes, never as HTML.
 */
window.aipkitDemoClient = ( function () {
	const cfg = window.aipkitDemo;

	function el( tag, text ) {
		const e = document.createElement( tag );
		if ( text !== undefined ) {
			e.textContent = text;
		}
		return e;
	}

	// Reads `event: x\ndata: {json}\n\n` blocks; calls onChunk(text) per chunk, resolves with done's data.
	function readStream( body, onChunk ) {
		const reader = body.getReader();
		const decoder = new TextDecoder();
		let buffer = '';
		let done = null;
		function handle( block ) {
			let event = 'message';
			let data = '';
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
			const payload = JSON.parse( data );
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
				const parts = buffer.split( '\n\n' );
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

	/**
	 * Resolves with { ok, body }: body is the JSON answer, the stream's `done` data, or the error.
	 *
	 * @param {Object}        payload The request: bot, message, and optionally conversation_id and stream.
	 * @param {Function|null} onChunk Called with each streamed piece of text; null asks for one JSON answer.
	 * @return {Promise<Object>} { ok, body }.
	 */
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
			const type = r.headers.get( 'Content-Type' ) || '';
			if (
				r.ok &&
				type.indexOf( 'text/event-stream' ) === 0 &&
				r.body &&
				onChunk
			) {
				return readStream( r.body, onChunk ).then( function ( body ) {
					return { ok: true, body };
				} );
			}
			return r.json().then( function ( body ) {
				return { ok: r.ok, body };
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

	// The refusal's message, then its actions as links when they have a URL: "Log in" for guests
	// (they cannot hold credits), "Buy credits" / "View usage" for signed-in users.
	function notice( status, body ) {
		status.textContent = ( body && body.message ) || 'The request failed.';
		const actions = ( body && body.data && body.data.actions ) || {};
		[ 'log_in', 'buy_credits', 'view_usage' ].forEach( function ( k ) {
			const action = actions[ k ];
			if (
				action &&
				typeof action.url === 'string' &&
				/^https?:\/\//i.test( action.url )
			) {
				const a = el( 'a', action.label );
				a.href = action.url;
				status.appendChild( document.createTextNode( ' ' ) );
				status.appendChild( a );
			}
		} );
	}

	// Wires a widget's form: onSubmit(message) returns the request's promise; the button waits for it.
	function bind( box, onSubmit ) {
		const form = box.querySelector( 'form' );
		const status = box.querySelector( '.aipkit-demo-status' );
		form.addEventListener( 'submit', function ( ev ) {
			ev.preventDefault();
			const input = form.querySelector( '[name="message"]' );
			const button = form.querySelector( 'button' );
			const message = input.value.trim();
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

	return { el, send, bind };
} )();
