import { Button, Modal, Notice } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * A confirmation for a destructive action: the question as title, what will happen, the
 * destructive button and Cancel.
 *
 * Pass `busy` only for actions that wait in the dialog: the button then stays focusable while busy
 * (aria-disabled, not disabled), because a disabled focused button drops focus to <body>, which the
 * Modal reads as "focus outside" and closes itself, hiding any error.
 *
 * @param {Object}   props
 * @param {string}   props.title        The question.
 * @param {*}        props.message      What the action does (shown in a paragraph).
 * @param {string}   props.confirmLabel The destructive button's text.
 * @param {Function} props.onConfirm    Runs the action.
 * @param {Function} props.onCancel     Closes without acting.
 * @param {boolean}  [props.busy]       The action is running.
 * @param {string}   [props.error]      Why the action failed.
 */
export default function ConfirmDialog( {
	title,
	message,
	confirmLabel,
	onConfirm,
	onCancel,
	busy,
	error,
} ) {
	const busyProps =
		busy === undefined ? {} : { isBusy: busy, 'aria-disabled': busy };
	return (
		<Modal title={ title } onRequestClose={ onCancel }>
			<p>{ message }</p>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			<Button
				variant="primary"
				isDestructive
				{ ...busyProps }
				onClick={ onConfirm }
			>
				{ confirmLabel }
			</Button>{ ' ' }
			<Button variant="tertiary" onClick={ onCancel }>
				{ __( 'Cancel', 'aipkit-usage' ) }
			</Button>
		</Modal>
	);
}
