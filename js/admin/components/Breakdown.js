import { __ } from '@wordpress/i18n';

/**
 * The quote's breakdown as the seed shows it: Usage | Calculation | Cost.
 *
 * @param {Object} props
 * @param {Object} props.quote A quote from the core, with its breakdown lines.
 */
export default function Breakdown( { quote } ) {
	return (
		<table className="widefat striped aipkit-usage-breakdown">
			<thead>
				<tr>
					<th scope="col">{ __( 'Usage', 'aipkit-usage' ) }</th>
					<th scope="col">{ __( 'Calculation', 'aipkit-usage' ) }</th>
					<th scope="col">{ __( 'Cost', 'aipkit-usage' ) }</th>
				</tr>
			</thead>
			<tbody>
				{ quote.breakdown.map( ( row, i ) => (
					<tr key={ i }>
						<td>{ row.label }</td>
						<td>{ row.calculation }</td>
						<td>{ row.amount }</td>
					</tr>
				) ) }
			</tbody>
		</table>
	);
}
