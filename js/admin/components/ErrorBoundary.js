import { Component } from '@wordpress/element';
import { Notice } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/** Keeps one broken screen from blanking the whole page; shows what failed instead. */
export default class ErrorBoundary extends Component {
	constructor( props ) {
		super( props );
		this.state = { error: null };
	}

	static getDerivedStateFromError( error ) {
		return { error };
	}

	componentDidCatch( error ) {
		// eslint-disable-next-line no-console
		console.error( 'aipkit-usage screen failed:', error );
	}

	render() {
		if ( this.state.error ) {
			return (
				<Notice status="error" isDismissible={ false }>
					{ __( 'This screen failed to load:', 'aipkit-usage' ) }{ ' ' }
					{ String( this.state.error.message || this.state.error ) }
				</Notice>
			);
		}
		return this.props.children;
	}
}
