import { Card, CardBody } from '@wordpress/components';

/**
 * A clear "nothing here yet" panel for a screen: what it is for and what to do first.
 *
 * @param {Object}  props
 * @param {string}  props.title    Heading.
 * @param {Element} props.children What the screen is for and the first step.
 * @param {string}  props.id       Screen name, set as data-screen.
 */
export default function EmptyState( { title, children, id } ) {
	return (
		<Card className="aipkit-usage-empty" data-screen={ id }>
			<CardBody>
				<h2>{ title }</h2>
				<div className="aipkit-usage-empty__body">{ children }</div>
			</CardBody>
		</Card>
	);
}
