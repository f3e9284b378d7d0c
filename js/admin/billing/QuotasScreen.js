import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';

/** Placeholder until the Quotas screen lands: says what this tab is for. */
export default function QuotasScreen() {
	return (
		<EmptyState id="quotas" title={ __( 'Quotas', 'aipkit-usage' ) }>
			<p>{ __( 'No quotas yet. Quotas limit usage for guests, users or roles per module, bot or form, reset daily, weekly, monthly or never.', 'aipkit-usage' ) }</p>
		</EmptyState>
	);
}
