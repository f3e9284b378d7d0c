import apiFetch from '@wordpress/api-fetch';
import { __ } from '@wordpress/i18n';

/**
 * apiFetch for aipkit/v1 billing routes; errors become readable messages that keep code/field.
 *
 * @param {string} path    Route below /aipkit/v1, with its query string.
 * @param {Object} options Further apiFetch options (method, data).
 * @return {Promise<*>} The decoded response.
 */
export async function api( path, options = {} ) {
	try {
		return await apiFetch( { path: `/aipkit/v1${ path }`, ...options } );
	} catch ( e ) {
		const err = new Error(
			e?.message ||
				__(
					'The request failed. Check your connection and try again.',
					'aipkit-usage'
				)
		);
		err.code = e?.code;
		err.field = e?.data?.field;
		err.data = e?.data;
		throw err;
	}
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
