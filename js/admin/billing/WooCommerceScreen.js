import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';

/** Placeholder until the WooCommerce Integration screen lands: says what this tab is for. */
export default function WooCommerceScreen() {
	return (
		<EmptyState id="woocommerce" title={ __( 'WooCommerce Integration', 'aipkit-usage' ) }>
			<p>{ __( 'Sell credit packages with WooCommerce and publish a customer dashboard with the [aipkit_token_usage] shortcode.', 'aipkit-usage' ) }</p>
		</EmptyState>
	);
}
