/* Demo image generator: the prompt is metered per image; the simulated provider returns SVG data URLs. */
( function () {
	const client = window.aipkitDemoClient;
	const PREFIX = 'data:image/svg+xml;base64,';
	document
		.querySelectorAll( '.aipkit-demo-image' )
		.forEach( function ( box ) {
			const gallery = box.querySelector( '.aipkit-demo-images' );
			client.bind( box, function ( message ) {
				gallery.textContent = '';
				return client
					.send( { bot: box.dataset.bot, message } )
					.then( function ( res ) {
						if ( res.ok ) {
							( res.body.image_urls || [] ).forEach(
								function ( url, i ) {
									if (
										typeof url === 'string' &&
										url.indexOf( PREFIX ) === 0
									) {
										const img = client.el( 'img' );
										img.src = url;
										img.width = 256;
										img.height = 256;
										img.alt =
											'Generated image ' +
											( i + 1 ) +
											' for: ' +
											message;
										gallery.appendChild( img );
									}
								}
							);
						}
						return res;
					} );
			} );
		} );
} )();
