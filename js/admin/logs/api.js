import apiFetch from '@wordpress/api-fetch';
import { addQueryArgs } from '@wordpress/url';
import { request } from '../api/client';

/**
 * REST calls of the Logs screen (aipkit/v1/logs…), through the admin app's one REST client
 * (../api/client.js). Filters travel as query args.
 */

export function filterArgs( filters ) {
	const args = {};
	for ( const key of [ 'search', 'bot', 'module', 'range' ] ) {
		if ( filters[ key ] ) {
			args[ key ] = filters[ key ];
		}
	}
	return args;
}

export function fetchFilterChoices() {
	return request( '/logs/filters' );
}

export function fetchPage( filters, perPage, cursor ) {
	return request( '/logs', {
		query: { ...filterArgs( filters ), per_page: perPage, cursor },
	} );
}

/**
 * How many conversations the search matches (capped server-side).
 *
 * @param {Object} filters The active filters (with a search).
 * @return {Promise<Object>} { conversations: number|null, capped: boolean, at_least: boolean }.
 */
export function fetchMatchCount( filters ) {
	return request( '/logs/matches', { query: filterArgs( filters ) } );
}

/**
 * One page of a conversation's exchanges (oldest first).
 *
 * @param {number}      id    Conversation id.
 * @param {number|null} after The previous page's next_after; empty for the first page.
 * @return {Promise<Object>} { conversation, exchanges, next_after }.
 */
export function fetchConversation( id, after ) {
	return request( `/logs/conversations/${ Number( id ) }`, {
		query: after ? { after: Number( after ) } : {},
	} );
}

export function fetchCount( filters ) {
	return request( '/logs/count', { query: filterArgs( filters ) } );
}

export function deleteBatch( filters, maxId, after ) {
	return request( '/logs/delete', {
		method: 'POST',
		data: { ...filterArgs( filters ), max_id: maxId, after },
	} );
}

export function fetchRetention() {
	return request( '/logs/retention' );
}

export function saveRetention( enabled, days ) {
	return request( '/logs/retention', {
		method: 'POST',
		data: { enabled, days },
	} );
}

/**
 * The export URL: a plain link the browser downloads to disk (streamed, never held in page memory).
 * Cookie auth on a REST URL needs the REST nonce as `_wpnonce`.
 *
 * @param {Object} boot    The page's boot data (restRoot).
 * @param {Object} filters The active filters.
 * @return {string} The export URL.
 */
export function exportUrl( boot, filters ) {
	const nonce =
		( apiFetch.nonceMiddleware && apiFetch.nonceMiddleware.nonce ) ||
		( window.wpApiSettings && window.wpApiSettings.nonce ) ||
		'';
	const root = boot.restRoot || '/wp-json/';
	// restRoot may be "…/wp-json/" or "…/?rest_route=/" (plain permalinks).
	const base = root.includes( 'rest_route=' )
		? addQueryArgs( root, { rest_route: '/aipkit/v1/logs/export' } )
		: root.replace( /\/$/, '' ) + '/aipkit/v1/logs/export';
	return addQueryArgs( base, { ...filterArgs( filters ), _wpnonce: nonce } );
}
