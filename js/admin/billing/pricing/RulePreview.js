import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { loadCore } from '../../wasm';
import Breakdown from '../../components/Breakdown';
import { credits } from '../api';

/**
 * A sample usage for the live preview, matching the usage type.
 *
 * @param {Object} rule The pricing rule being edited.
 * @return {Object} A usage the core can quote against that rule.
 */
function sampleUsage( rule ) {
	const base = {
		usage_type: rule.usage_type,
		provider: rule.provider,
		model: rule.model === '*' ? 'any-model' : rule.model,
		input_tokens: 0,
		output_tokens: 0,
		images: 0,
		videos: 0,
	};
	if ( rule.usage_type === 'chat' || rule.usage_type === 'form_submit' ) {
		return { ...base, input_tokens: 800, output_tokens: 300 };
	}
	if ( rule.usage_type === 'video_generate' ) {
		return { ...base, videos: 1 };
	}
	return { ...base, images: 1 };
}

export function usePreview( rule ) {
	const [ state, setState ] = useState( {} );
	useEffect( () => {
		let live = true;
		if ( ! rule.provider || ! rule.model ) {
			setState( {} );
			return undefined;
		}
		( async () => {
			try {
				const core = await loadCore();
				const r = { ...rule };
				[ 'input_rate', 'output_rate', 'unit_rate' ].forEach( ( k ) => {
					if ( r[ k ] === '' ) {
						r[ k ] = null;
					}
				} );
				delete r.enabled;
				// call() takes the contract's request shapes exactly (validate_rule wraps the rule in {rule}).
				const { rule: valid } = core.call( 'validate_rule', {
					rule: r,
				} );
				const quote = core.call( 'quote', {
					rules: [ { id: 0, ...valid } ],
					usage: sampleUsage( valid ),
				} );
				if ( live ) {
					setState( { quote } );
				}
			} catch ( e ) {
				if ( live ) {
					setState( { error: e.message, field: e.field } );
				}
			}
		} )();
		return () => {
			live = false;
		};
	}, [ rule ] );
	return state;
}

/**
 * The rule's charge for a sample request, priced by the WebAssembly core as the admin types.
 *
 * @param {Object} props
 * @param {Object} props.rule The rule being edited.
 */
export default function RulePreview( { rule } ) {
	const preview = usePreview( rule );
	return (
		<div className="aipkit-pricing-preview" data-testid="pricing-preview">
			<h3>{ __( 'Preview of a sample charge', 'aipkit-usage' ) }</h3>
			{ preview.error && (
				<p className="aipkit-pricing-preview__error">
					{ preview.error }
				</p>
			) }
			{ preview.quote && (
				<>
					<Breakdown quote={ preview.quote } />
					<p>
						{ __( 'Sample charge:', 'aipkit-usage' ) }{ ' ' }
						<strong data-testid="pricing-preview-credits">
							{ credits( preview.quote.credits ) }
						</strong>{ ' ' }
						{ __( 'credits', 'aipkit-usage' ) }
					</p>
				</>
			) }
			{ ! preview.quote && ! preview.error && (
				<p>
					{ __(
						'Choose a provider and model and enter the rates to see a sample charge.',
						'aipkit-usage'
					) }
				</p>
			) }
		</div>
	);
}
