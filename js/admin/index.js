/**
 * Entry of the "AI Puffer > Usage" admin app (built to php-bridge/build/admin.js).
 *
 * WordPress 6.1 ships React 17 through wp.element: there is no createRoot, so fall back to render.
 */
import * as element from '@wordpress/element';
import App from './App';
import './admin.css';

function mount() {
	const root = document.getElementById( 'aipkit-usage-admin-root' );
	if ( ! root ) {
		return;
	}
	const app = <App boot={ window.aipkitUsageAdmin || {} } />;
	if ( typeof element.createRoot === 'function' ) {
		element.createRoot( root ).render( app );
	} else {
		element.render( app, root );
	}
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', mount );
} else {
	mount();
}
