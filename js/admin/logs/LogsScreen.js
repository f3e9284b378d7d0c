import { __ } from '@wordpress/i18n';
import EmptyState from '../components/EmptyState';

/** Placeholder until the Conversation Logs screen lands: says what this tab is for. */
export default function LogsScreen() {
	return (
		<EmptyState id="logs" title={ __( 'Conversation Logs', 'aipkit-usage' ) }>
			<p>{ __( 'No logs yet. Saved requests and conversations from AI Puffer modules will appear here, with search, filters, export, delete and retention.', 'aipkit-usage' ) }</p>
		</EmptyState>
	);
}
