import { Button } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * The Pricing form's answer to "Pricing model is missing": instead of pointing to a screen this
 * plugin does not have, it offers the models of the chosen provider that were seen in the logs and
 * ledger, and those AI modules register through the `aipkit_usage_models` filter, and says where
 * each list comes from. Inline content only: it is rendered as a field's help text.
 *
 * @param {Object}   props
 * @param {Object}   props.catalog  GET /models answer ({providers: [{provider, label, models: [{model, source}]}]}).
 * @param {string}   props.provider The rule's provider.
 * @param {Function} props.onPick   Called with a model name to use it.
 */
export default function PricingModelsHint( { catalog, provider, onPick } ) {
	const entry = ( catalog?.providers || [] ).find(
		( p ) => p.provider === provider
	);
	const of = ( source ) =>
		( entry?.models || [] )
			.filter( ( m ) => m.source === source )
			.map( ( m ) => m.model );
	const groups = [
		{
			source: 'seen',
			label: __(
				'Seen in your logs and ledger (recent requests):',
				'aipkit-usage'
			),
		},
		{
			source: 'registered',
			label: __(
				'Registered by AI modules (filter aipkit_usage_models):',
				'aipkit-usage'
			),
		},
	].map( ( g ) => ( { ...g, models: of( g.source ) } ) );
	const any = groups.some( ( g ) => g.models.length > 0 );
	return (
		<span className="aipkit-pricing-models-hint">
			{ __(
				'Type to search this provider’s models, enter any model name, or * for every model of the provider.',
				'aipkit-usage'
			) }{ ' ' }
			{ ! provider &&
				__(
					'Choose a provider to see the models this site has used.',
					'aipkit-usage'
				) }
			{ provider &&
				! any &&
				sprintf(
					/* translators: %s: provider */
					__(
						'No %s model has been seen in the logs or registered by a module yet; the list above holds the well-known ones. Models appear here once a module meters a request with them or registers them through the aipkit_usage_models filter.',
						'aipkit-usage'
					),
					entry?.label || provider
				) }
			{ provider &&
				groups
					.filter( ( g ) => g.models.length > 0 )
					.map( ( g ) => (
						<span
							key={ g.source }
							className={ `aipkit-pricing-models-hint__${ g.source }` }
							style={ { display: 'block', marginTop: 4 } }
						>
							{ g.label }{ ' ' }
							{ g.models.map( ( m ) => (
								<Button
									key={ m }
									variant="link"
									onClick={ () => onPick( m ) }
									aria-label={ sprintf(
										/* translators: %s: model name */
										__( 'Use model %s', 'aipkit-usage' ),
										m
									) }
									style={ { marginInlineEnd: 8 } }
								>
									{ m }
								</Button>
							) ) }
						</span>
					) ) }
		</span>
	);
}
