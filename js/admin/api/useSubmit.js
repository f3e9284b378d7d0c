import { useCallback, useRef, useState } from '@wordpress/element';

/**
 * A state change sent from a form or a confirmation dialog: `busy` while it runs (a second click or
 * Enter is ignored, as aria-disabled buttons stay focusable inside a Modal), and `error`, what the
 * last attempt threw (its `message`; REST errors also name their `field`), cleared on each attempt.
 *
 * @return {{busy: boolean, error: ?Error, submit: Function}} submit( send, onDone ) runs send() and,
 *         when it succeeded, onDone() (called without arguments).
 */
export default function useSubmit() {
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState( null );
	const running = useRef( false );
	const submit = useCallback( async ( send, onDone ) => {
		if ( running.current ) {
			return;
		}
		running.current = true;
		setBusy( true );
		setError( null );
		try {
			await send();
			// No arguments: callers pass loaders such as useRestResource's load( path ).
			onDone?.();
		} catch ( e ) {
			setError( e );
		} finally {
			running.current = false;
			setBusy( false );
		}
	}, [] );
	return { busy, error, submit };
}
