import { __ } from '@wordpress/i18n';
import { request } from '../api/client';

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

export const USAGE_TYPES = [
	{
		value: 'chat',
		label: __( 'Chat', 'aipkit-usage' ),
		methods: [ 'per_1k_tokens', 'flat' ],
	},
	{
		value: 'form_submit',
		label: __( 'Form Submit', 'aipkit-usage' ),
		methods: [ 'per_1k_tokens', 'flat' ],
	},
	{
		value: 'image_generate',
		label: __( 'Image Generate', 'aipkit-usage' ),
		methods: [ 'per_image', 'flat' ],
	},
	{
		value: 'image_edit',
		label: __( 'Image Edit', 'aipkit-usage' ),
		methods: [ 'per_image', 'flat' ],
	},
	{
		value: 'video_generate',
		label: __( 'Video Generate', 'aipkit-usage' ),
		methods: [ 'per_video', 'flat' ],
	},
];

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
