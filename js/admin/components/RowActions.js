import { Button } from '@wordpress/components';
import { Fragment } from '@wordpress/element';

/**
 * The "Edit · Delete" link group of a table row. Falsy entries are skipped, so a screen can leave
 * an action out for some rows; no wrapper element, the links sit directly in the cell.
 *
 * @param {Object} props
 * @param {Array}  props.actions [{ label, onClick, isDestructive }] or false.
 */
export default function RowActions( { actions } ) {
	return actions.filter( Boolean ).map( ( a, i ) => (
		<Fragment key={ i }>
			{ i > 0 && ' · ' }
			<Button
				variant="link"
				isDestructive={ a.isDestructive }
				onClick={ a.onClick }
			>
				{ a.label }
			</Button>
		</Fragment>
	) );
}
