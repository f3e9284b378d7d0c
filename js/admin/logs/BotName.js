import { __ } from '@wordpress/i18n';

/**
 * Where an exchange came from: the bot's name with its id as secondary text, and the module
 * (chatbot, AI forms, image generator…). Without a bot, the module alone.
 *
 * @param {Object} props
 * @param {Object} props.row A conversation { bot_id, bot_name, module, module_name }.
 */
export default function BotName( { row } ) {
	if ( ! row.bot_id ) {
		return (
			<span className="aipkit-logs__bot-name">
				{ row.module_name || row.module }
				<span className="aipkit-logs__secondary">
					{ ' ' }
					{ __( '(no bot)', 'aipkit-usage' ) }
				</span>
			</span>
		);
	}
	return (
		<span className="aipkit-logs__bot-name">
			{ row.bot_name || row.bot_id }
			{ row.bot_name && row.bot_name !== row.bot_id && (
				<span className="aipkit-logs__secondary"> { row.bot_id }</span>
			) }
			<span className="aipkit-logs__module">
				{ row.module_name || row.module }
			</span>
		</span>
	);
}
