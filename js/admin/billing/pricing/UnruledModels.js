import { Button, Notice } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';
import useRestResource from '../../api/useRestResource';
import { formatSiteTime } from '../../components/time';
import { credits, USAGE_TYPES } from '../api';

/**
 * Models charged in the last 30 days that no enabled rule covers: their usage was charged in raw
 * units (a 500-token reply cost 500 credits). Each has "Create rule", which opens the form
 * filled in with its usage type, provider and model.
 *
 * @param {Object}   props
 * @param {Function} props.onCreate (rule fields) opens the rule form.
 * @param {*}        props.version  Changes whenever the rules change (reloads the list).
 */
export default function UnruledModels( { onCreate, version } ) {
	const { data, error } = useRestResource( '/pricing/unruled-models', {
		reloadOn: version,
	} );

	if ( error ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				{ error }
			</Notice>
		);
	}
	if ( ! data || data.items.length === 0 ) {
		return null;
	}
	const typeLabel = ( v ) =>
		USAGE_TYPES.find( ( t ) => t.value === v )?.label || v;
	return (
		<Notice
			status="warning"
			isDismissible={ false }
			className="aipkit-unruled-models"
		>
			<p>
				<strong>
					{ sprintf(
						/* translators: 1: number of models, 2: number of days */
						_n(
							'%1$d model used in the last %2$d days has no pricing rule.',
							'%1$d models used in the last %2$d days have no pricing rule.',
							data.items.length,
							'aipkit-usage'
						),
						data.items.length,
						data.days
					) }
				</strong>{ ' ' }
				{ __(
					'Their usage is charged in raw units: a 500-token reply costs 500 credits.',
					'aipkit-usage'
				) }
			</p>
			<table className="widefat striped" data-testid="unruled-models">
				<thead>
					<tr>
						<th scope="col">
							{ __( 'Usage type', 'aipkit-usage' ) }
						</th>
						<th scope="col">
							{ __( 'Provider & Model', 'aipkit-usage' ) }
						</th>
						<th scope="col">
							{ __( 'Requests', 'aipkit-usage' ) }
						</th>
						<th scope="col">
							{ __( 'Credits charged', 'aipkit-usage' ) }
						</th>
						<th scope="col">
							{ __( 'Last used', 'aipkit-usage' ) }
						</th>
						<th scope="col">
							<span className="screen-reader-text">
								{ __( 'Actions', 'aipkit-usage' ) }
							</span>
						</th>
					</tr>
				</thead>
				<tbody>
					{ data.items.map( ( m ) => (
						<tr
							key={ `${ m.usage_type }|${ m.provider }|${ m.model }` }
						>
							<td>{ typeLabel( m.usage_type ) }</td>
							<td>
								{ m.provider } / { m.model }
							</td>
							<td>{ m.uses }</td>
							<td>{ credits( m.credits ) }</td>
							<td>{ formatSiteTime( m.last_at ) }</td>
							<td>
								<Button
									variant="secondary"
									size="small"
									label={ sprintf(
										/* translators: 1: provider, 2: model */
										__(
											'Create rule for %1$s / %2$s',
											'aipkit-usage'
										),
										m.provider,
										m.model
									) }
									onClick={ () =>
										onCreate( {
											usage_type: m.usage_type,
											provider: m.provider,
											model: m.model,
										} )
									}
								>
									{ __( 'Create rule', 'aipkit-usage' ) }
								</Button>
							</td>
						</tr>
					) ) }
				</tbody>
			</table>
		</Notice>
	);
}
