import apiFetch from '@wordpress/api-fetch';
import { addQueryArgs } from '@wordpress/url';
import { __ } from '@wordpress/i18n';

/**
 * The one REST client of the admin app (billing, logs, the sample charge): every call to
 * aipkit/v1 goes through here, so errors look the same everywhere and downloads carry the nonce.
 */

const NAMESPACE = '/aipkit/v1';

/**
 * Query arguments without empty values ('' / null / undefined), so URLs stay short and the
 * server's defaults apply.
 *
 * @param {Object} args Argument names and values.
 * @return {Object} The arguments worth sending.
 */
export function cleanArgs( args = {} ) {
	const out = {};
	Object.entries( args ).forEach( ( [ k, v ] ) => {
		if ( v !== '' && v !== null && v !== undefined ) {
			out[ k ] = v;
		}
	} );
	return out;
}

/**
 * Error with what the server said: message (readable), code, field (as the request names it),
 * status and data.
 *
 * @param {*} e What apiFetch threw (a REST error body, or a network error).
 * @return {Error} An Error carrying code, field, status and data.
 */
export function toError( e ) {
	if ( e instanceof Error && e.code && e.restError ) {
		return e;
	}
	const err = new Error(
		( e && e.message ) ||
			__(
				'The request failed. Check your connection and try again.',
				'aipkit-usage'
			)
	);
	err.restError = true;
	err.code = e?.code || 'request_failed';
	err.field = e?.data?.field ?? null;
	err.status = e?.data?.status ?? null;
	err.data = e?.data ?? null;
	return err;
}

/**
 * Calls one aipkit/v1 route.
 *
 * @param {string} path             Route below /aipkit/v1 (e.g. "/activity").
 * @param {Object} [options]
 * @param {string} [options.method] HTTP method (GET by default).
 * @param {Object} [options.query]  Query arguments; empty values are left out.
 * @param {Object} [options.data]   JSON body.
 * @param {Object} [options.signal] AbortSignal.
 * @return {Promise<*>} The decoded answer; rejects with toError()'s Error.
 */
export async function request(
	path,
	{ method = 'GET', query, data, signal } = {}
) {
	try {
		return await apiFetch( {
			path: addQueryArgs( NAMESPACE + path, cleanArgs( query ) ),
			method,
			data,
			signal,
		} );
	} catch ( e ) {
		throw toError( e );
	}
}

export const get = ( path, query, options = {} ) =>
	request( path, { ...options, query } );
export const post = ( path, data, options = {} ) =>
	request( path, { ...options, method: 'POST', data } );
export const put = ( path, data, options = {} ) =>
	request( path, { ...options, method: 'PUT', data } );
export const del = ( path, data, options = {} ) =>
	request( path, { ...options, method: 'DELETE', data } );

/**
 * The REST nonce WordPress gave this page (wp-api-fetch's nonce middleware keeps it fresh).
 *
 * @return {string} The nonce, or '' when the page has none.
 */
export function restNonce() {
	return (
		apiFetch.nonceMiddleware?.nonce ||
		window.wpApiSettings?.nonce ||
		window.aipkitUsageAdmin?.restNonce ||
		''
	);
}

/**
 * A full URL of an aipkit/v1 route that a plain navigation can open (downloads): cookie auth
 * on a REST URL needs the nonce as `_wpnonce`. The browser then streams the file to disk.
 *
 * @param {string} path    Route below /aipkit/v1.
 * @param {Object} [query] Query arguments; empty values are left out.
 * @param {Object} [boot]  Boot data (restRoot).
 * @return {string} The URL.
 */
export function downloadUrl(
	path,
	query = {},
	boot = window.aipkitUsageAdmin || {}
) {
	const root = boot.restRoot || window.wpApiSettings?.root || '/wp-json/';
	// restRoot may be "…/wp-json/" or "…/?rest_route=/" (plain permalinks).
	const base = root.includes( 'rest_route=' )
		? addQueryArgs( root, { rest_route: NAMESPACE + path } )
		: root.replace( /\/$/, '' ) + NAMESPACE + path;
	return addQueryArgs( base, {
		...cleanArgs( query ),
		_wpnonce: restNonce(),
	} );
}
