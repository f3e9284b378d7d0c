import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';

/** Placeholder until the Activity screen lands: says what this tab is for. */
export default function ActivityScreen() {
	return (
		<EmptyState id="activity" title={ __( 'Activity', 'aipkit-usage' ) }>
			<p>{ __( 'No ledger entries yet. Purchases, admin balance changes and usage will be listed here.', 'aipkit-usage' ) }</p>
		</EmptyState>
	);
}
