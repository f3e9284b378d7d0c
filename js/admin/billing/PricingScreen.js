import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';

/** Placeholder until the Pricing screen lands: says what this tab is for. */
export default function PricingScreen() {
	return (
		<EmptyState id="pricing" title={ __( 'Pricing', 'aipkit-usage' ) }>
			<p>{ __( 'No pricing rules yet. Pricing rules turn model usage into AI Puffer credits; without a matching rule, usage is charged in raw units.', 'aipkit-usage' ) }</p>
		</EmptyState>
	);
}
