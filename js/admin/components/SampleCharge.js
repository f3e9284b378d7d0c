import {
	Card,
	CardBody,
	CardHeader,
	Notice,
	Spinner,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { loadCore } from '../wasm';
import { post } from '../api/client';
import Breakdown from './Breakdown';

/** The seed's worked example: 800 input and 300 output tokens at 1 and 2 credits per 1K. */
export const SAMPLE_RULE = {
	usage_type: 'chat',
	provider: 'openai',
	model: 'gpt-4o-mini',
	method: 'per_1k_tokens',
	input_rate: '1',
	output_rate: '2',
	unit_rate: null,
};

export const SAMPLE_USAGE = {
	usage_type: 'chat',
	provider: 'openai',
	model: 'gpt-4o-mini',
	input_tokens: 800,
	output_tokens: 300,
	images: 0,
	videos: 0,
};

async function priceInBrowser() {
	const core = await loadCore();
	// Same two steps as the server's POST /preview: normalise the rule, then price with it.
	const { rule } = core.validateRule( SAMPLE_RULE );
	return core.quote( { rules: [ { id: 0, ...rule } ], usage: SAMPLE_USAGE } );
}

async function priceOnServer() {
	const res = await post( '/preview', {
		rule: SAMPLE_RULE,
		usage: SAMPLE_USAGE,
	} );
	return res.quote;
}

function Side( { id, title, state } ) {
	return (
		<div
			className="aipkit-usage-sample__side"
			data-testid={ `sample-${ id }` }
		>
			<h3>{ title }</h3>
			{ state.loading && <Spinner /> }
			{ state.error && (
				<Notice status="error" isDismissible={ false }>
					{ state.error }
				</Notice>
			) }
			{ state.quote && (
				<>
					<Breakdown quote={ state.quote } />
					<p>
						{ __( 'Total:', 'aipkit-usage' ) }{ ' ' }
						<strong
							className="aipkit-usage-sample__credits"
							data-testid={ `sample-${ id }-credits` }
						>
							{ state.quote.credits }
						</strong>{ ' ' }
						{ __( 'credits', 'aipkit-usage' ) }
					</p>
				</>
			) }
		</div>
	);
}

function useResult( run ) {
	const [ state, setState ] = useState( { loading: true } );
	useEffect( () => {
		let live = true;
		run().then(
			( quote ) => live && setState( { quote } ),
			( error ) =>
				live && setState( { error: String( error.message || error ) } )
		);
		return () => {
			live = false;
		};
	}, [ run ] );
	return state;
}

/**
 * Prices the sample charge with the WebAssembly core in the browser and with the native core on
 * the server (PHP FFI), side by side: both must give the same exact decimal.
 */
export default function SampleCharge() {
	const browser = useResult( priceInBrowser );
	const server = useResult( priceOnServer );
	const both = browser.quote && server.quote;
	const agree = both && browser.quote.credits === server.quote.credits;

	return (
		<Card className="aipkit-usage-sample" style={ { marginTop: 24 } }>
			<CardHeader>
				<h2 style={ { margin: 0 } }>
					{ __( 'Sample charge', 'aipkit-usage' ) }
				</h2>
			</CardHeader>
			<CardBody>
				<p>
					{ __(
						'A chat request with 800 input and 300 output tokens under a Per 1K Tokens rule of 1 credit (input) and 2 credits (output), priced by the same core in your browser and on the server.',
						'aipkit-usage'
					) }
				</p>
				<div
					className="aipkit-usage-sample__sides"
					style={ { display: 'flex', gap: 24, flexWrap: 'wrap' } }
				>
					<Side
						id="wasm"
						title={ __(
							'In your browser (WebAssembly)',
							'aipkit-usage'
						) }
						state={ browser }
					/>
					<Side
						id="server"
						title={ __(
							'On the server (PHP FFI)',
							'aipkit-usage'
						) }
						state={ server }
					/>
				</div>
				{ both && (
					<p
						data-testid="sample-agreement"
						data-agree={ agree ? 'yes' : 'no' }
					>
						{ agree ? (
							<strong>
								{ sprintf(
									/* translators: %s: credits */
									__(
										'✓ Browser and server agree: %s credits.',
										'aipkit-usage'
									),
									browser.quote.credits
								) }
							</strong>
						) : (
							<strong style={ { color: '#b32d2e' } }>
								{ sprintf(
									/* translators: 1: browser credits, 2: server credits */
									__(
										'✗ Browser and server disagree: %1$s vs %2$s credits.',
										'aipkit-usage'
									),
									browser.quote.credits,
									server.quote.credits
								) }
							</strong>
						) }
					</p>
				) }
			</CardBody>
		</Card>
	);
}
