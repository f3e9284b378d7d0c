/**
 * A WordPress list table (widefat striped) described by its columns, so screens state what each
 * column shows instead of repeating the table markup.
 *
 * @param {Object}   props
 * @param {Array}    props.columns     [{ title, cell( row ) }]; a title may be an element (e.g. screen-reader text).
 * @param {Array}    props.rows        The rows to show.
 * @param {Function} props.rowKey      The React key of a row.
 * @param {Function} [props.rowProps]  Extra attributes of a row's <tr> (e.g. data-* that tests and styles find).
 * @param {string}   [props.className] Classes added after "widefat striped".
 */
export default function DataTable( {
	columns,
	rows,
	rowKey,
	rowProps,
	className = '',
} ) {
	return (
		<table className={ `widefat striped ${ className }`.trim() }>
			<thead>
				<tr>
					{ columns.map( ( c, i ) => (
						<th scope="col" key={ i }>
							{ c.title }
						</th>
					) ) }
				</tr>
			</thead>
			<tbody>
				{ rows.map( ( row ) => (
					<tr
						key={ rowKey( row ) }
						{ ...( rowProps ? rowProps( row ) : {} ) }
					>
						{ columns.map( ( c, i ) => (
							<td key={ i }>{ c.cell( row ) }</td>
						) ) }
					</tr>
				) ) }
			</tbody>
		</table>
	);
}
