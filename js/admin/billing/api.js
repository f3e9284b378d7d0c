import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { request } from '../api/client';
import { loadCore } from '../wasm';

/**
 * Billing's calls to aipkit/v1 go through the one REST client (../api/client.js); `api()` keeps
 * the screens' short form: a path below /aipkit/v1 with its query string, and apiFetch options.
 *
 * @param {string} path    Route below /aipkit/v1, with its query string.
 * @param {Object} options method, data.
 * @return {Promise<*>} The decoded response; rejects with an Error carrying code/field/status/data.
 */
export function api( path, options = {} ) {
	return request( path, options );
}

/**
 * Query string from an object, skipping empty values.
 *
 * @param {Object} params Argument names and values.
 * @return {string} "?a=1&b=2", or "" when nothing is left.
 */
export function qs( params ) {
	const p = new URLSearchParams();
	Object.entries( params ).forEach( ( [ k, v ] ) => {
		if ( v !== '' && v !== null && v !== undefined && v !== 0 ) {
			p.set( k, String( v ) );
		}
	} );
	const s = p.toString();
	return s ? `?${ s }` : '';
}

/**
 * Credits shown without trailing zeros ("1.400000" → "1.4"); the stored value stays exact.
 *
 * @param {string|null|undefined} value A decimal string.
 * @return {string} The trimmed string, or "—" when there is no value.
 */
export function credits( value ) {
	if ( value === null || value === undefined ) {
		return '—';
	}
	const s = String( value );
	return s.includes( '.' ) ? s.replace( /0+$/, '' ).replace( /\.$/, '' ) : s;
}

/** The modules that meter usage, as the screens name them (quota scopes, the refusal check). */
export const MODULES = [
	{ value: 'chatbot', label: __( 'Chatbot', 'aipkit-usage' ) },
	{ value: 'ai_forms', label: __( 'AI Forms', 'aipkit-usage' ) },
	{
		value: 'image_generator',
		label: __( 'Image Generator', 'aipkit-usage' ),
	},
];

/*
 * Usage types as the screens name them. Which billing methods each one allows is the core's rule
 * (op `constants`), read through useUsageTypes(), so the screens never keep a second copy of it.
 */
export const USAGE_TYPES = [
	{ value: 'chat', label: __( 'Chat', 'aipkit-usage' ) },
	{ value: 'form_submit', label: __( 'Form Submit', 'aipkit-usage' ) },
	{ value: 'image_generate', label: __( 'Image Generate', 'aipkit-usage' ) },
	{ value: 'image_edit', label: __( 'Image Edit', 'aipkit-usage' ) },
	{ value: 'video_generate', label: __( 'Video Generate', 'aipkit-usage' ) },
];

let constantsLoading = null;

/**
 * The core's published constants (usage types and their methods, patterns, maxima), loaded once.
 *
 * @return {Promise<Object>} The answer of the core's `constants` op.
 */
export function coreConstants() {
	if ( ! constantsLoading ) {
		constantsLoading = loadCore().then( ( core ) =>
			core.call( 'constants', {} )
		);
		constantsLoading.catch( () => {
			constantsLoading = null;
		} );
	}
	return constantsLoading;
}

/**
 * USAGE_TYPES with `methods` from the core; null while loading. Without the core (not built) every
 * method is offered and the server, which runs the same core, refuses a combination that does not fit.
 *
 * @return {Array|null} [{ value, label, methods }]
 */
export function useUsageTypes() {
	const [ types, setTypes ] = useState( null );
	useEffect( () => {
		let live = true;
		coreConstants().then(
			( c ) =>
				live &&
				setTypes(
					USAGE_TYPES.map( ( t ) => ( {
						...t,
						methods:
							c.usage_types.find( ( u ) => u.value === t.value )
								?.methods || [],
					} ) )
				),
			() =>
				live &&
				setTypes(
					USAGE_TYPES.map( ( t ) => ( {
						...t,
						methods: Object.keys( METHOD_LABELS ),
					} ) )
				)
		);
		return () => {
			live = false;
		};
	}, [] );
	return types;
}

export const METHOD_LABELS = {
	per_1k_tokens: __( 'Per 1K Tokens', 'aipkit-usage' ),
	flat: __( 'Flat', 'aipkit-usage' ),
	per_image: __( 'Per Image', 'aipkit-usage' ),
	per_video: __( 'Per Video', 'aipkit-usage' ),
};

export const KIND_LABELS = {
	purchase: __( 'Purchase', 'aipkit-usage' ),
	purchase_reversal: __( 'Purchase reversal', 'aipkit-usage' ),
	admin_adjustment: __( 'Admin adjustment', 'aipkit-usage' ),
	usage: __( 'Usage', 'aipkit-usage' ),
	usage_reset: __( 'Usage reset', 'aipkit-usage' ),
};
