import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { request } from './client';

/**
 * What a screen reads from one aipkit/v1 route: the answer, the error message, whether a request is
 * in flight, and load() to read it again (after a save, or another path such as the same route with
 * a new query string). Loads on mount and whenever `path` or `reloadOn` changes.
 *
 * @param {string}   path               Route below /aipkit/v1, with its query string.
 * @param {Object}   [options]
 * @param {Function} [options.onData]   Called with each answer (e.g. to fill a form from it).
 * @param {*}        [options.reloadOn] Reloads whenever this changes (e.g. a version bumped on save).
 * @return {{data: *, error: ?string, busy: boolean, load: function(string=): Promise}} The resource.
 */
export default function useRestResource( path, { onData, reloadOn } = {} ) {
	const [ data, setData ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ busy, setBusy ] = useState( false );
	// The latest callback without reloading when the caller passes a new function each render.
	const onDataRef = useRef( onData );
	onDataRef.current = onData;

	const load = useCallback(
		( at = path ) => {
			setBusy( true );
			setError( null );
			return request( at )
				.then(
					( d ) => {
						setData( d );
						onDataRef.current?.( d );
					},
					( e ) => setError( e.message )
				)
				.finally( () => setBusy( false ) );
		},
		// reloadOn is listed so that a change gives a new load(), which the effect below runs.
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[ path, reloadOn ]
	);
	useEffect( () => {
		load();
	}, [ load ] );

	return { data, error, busy, load };
}
