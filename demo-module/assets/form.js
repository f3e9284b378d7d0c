/* Demo AI form: the description goes through the metered endpoint (form_submit) and the text comes back. */
( function () {
	const client = window.aipkitDemoClient;
	document
		.querySelectorAll( '.aipkit-demo-aiform' )
		.forEach( function ( box ) {
			const result = box.querySelector( '.aipkit-demo-result' );
			client.bind( box, function ( message ) {
				result.textContent = '';
				return client
					.send( { bot: box.dataset.bot, message } )
					.then( function ( res ) {
						if ( res.ok ) {
							result.appendChild(
								client.el( 'p', res.body.reply )
							);
						}
						return res;
					} );
			} );
		} );
} )();
