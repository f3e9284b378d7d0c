import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';

/** Placeholder until the Balances screen lands: says what this tab is for. */
export default function BalancesScreen() {
	return (
		<EmptyState id="balances" title={ __( 'Balances', 'aipkit-usage' ) }>
			<p>{ __( 'No balances yet. Prepaid credit balances and periodic usage of logged-in users will be listed here.', 'aipkit-usage' ) }</p>
		</EmptyState>
	);
}
