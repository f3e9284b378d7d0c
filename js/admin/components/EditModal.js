import { Modal } from '@wordpress/components';

/**
 * The modal around a "New …" / "Edit …" form: the title follows whether the item already exists.
 *
 * @param {Object}   props
 * @param {Object}   props.item      The item being edited (has an id once saved).
 * @param {string}   props.newTitle  Title for a new item.
 * @param {string}   props.editTitle Title for an existing item.
 * @param {Function} props.onClose   Closes the modal.
 * @param {Object}   [props.style]   Modal style (e.g. a wider form).
 * @param {*}        props.children  The form.
 */
export default function EditModal( {
	item,
	newTitle,
	editTitle,
	onClose,
	style,
	children,
} ) {
	return (
		<Modal
			title={ item.id ? editTitle : newTitle }
			onRequestClose={ onClose }
			style={ style }
		>
			{ children }
		</Modal>
	);
}
