import { Button } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { get } from '../api/client';
import Combobox from './Combobox';

function optionOf( u ) {
	return {
		value: String( u.id ),
		label: u.name || u.login,
		hint: u.email,
		user: u,
	};
}

/**
 * Search-as-you-type user picker (name, email, login): the value is a user id (0 = anyone).
 * Searches the server (aipkit/v1/users) 200 ms after the last keystroke, the first time when the
 * field is focused (not on mount); a picked user shows
 * as a chip with a button to clear it.
 *
 * @param {Object}   props
 * @param {string}   props.label    Visible label.
 * @param {number}   props.value    Selected user id, 0 for none.
 * @param {Function} props.onChange (id, user|null).
 */
export default function UserPicker( { label, value, onChange } ) {
	const [ text, setText ] = useState( '' );
	const [ options, setOptions ] = useState( [] );
	const [ loading, setLoading ] = useState( false );
	const [ chosen, setChosen ] = useState( null );
	const [ error, setError ] = useState( null );
	const seq = useRef( 0 );
	// Suggestions are fetched once the field is focused or typed in, not on mount: the screen's
	// first view then costs one request (its own data), not two.
	const [ active, setActive ] = useState( false );

	// A value given from outside (a link, a reload) is shown by name.
	useEffect( () => {
		if ( ! value ) {
			setChosen( null );
			return;
		}
		if ( chosen && chosen.id === Number( value ) ) {
			return;
		}
		get( '/users', { id: value } ).then(
			( r ) =>
				setChosen( r.items[ 0 ] || { id: value, name: `#${ value }` } ),
			() => setChosen( { id: value, name: `#${ value }` } )
		);
	}, [ value ] ); // eslint-disable-line react-hooks/exhaustive-deps

	useEffect( () => {
		if ( ! active ) {
			return;
		}
		const n = ++seq.current;
		// Results of an older text must never be picked with Enter: clear them until the new ones arrive.
		setOptions( [] );
		setLoading( true );
		const t = setTimeout( () => {
			get( '/users', { search: text } ).then(
				( r ) => {
					if ( n === seq.current ) {
						setOptions( r.items.map( optionOf ) );
						setLoading( false );
						setError( null );
					}
				},
				( e ) => {
					if ( n === seq.current ) {
						setLoading( false );
						setError( e.message );
					}
				}
			);
		}, 200 );
		return () => clearTimeout( t );
	}, [ text, active ] );

	if ( chosen && value ) {
		return (
			<div className="aipkit-user-picker aipkit-user-picker--chosen">
				<span className="aipkit-user-picker__label">{ label }</span>
				<span
					className="aipkit-user-picker__chip"
					data-testid="user-picker-chosen"
				>
					{ chosen.name }
					{ chosen.email && (
						<span className="aipkit-combobox__hint">
							{ chosen.email }
						</span>
					) }
					<Button
						size="small"
						variant="tertiary"
						label={ sprintf(
							/* translators: %s: user name */
							__( 'Clear user %s', 'aipkit-usage' ),
							chosen.name
						) }
						onClick={ () => {
							setChosen( null );
							setText( '' );
							onChange( 0, null );
						} }
					>
						×
					</Button>
				</span>
			</div>
		);
	}
	return (
		// display: contents keeps the filters row's layout; the wrapper only hears the focus.
		<div
			style={ { display: 'contents' } }
			onFocus={ () => setActive( true ) }
		>
			<Combobox
				className="aipkit-user-picker"
				label={ label }
				value={ text }
				onChange={ ( t ) => {
					setActive( true );
					setText( t );
				} }
				onPick={ ( o ) => {
					setChosen( o.user );
					onChange( o.user.id, o.user );
				} }
				options={ options }
				filter={ false }
				allowFree={ false }
				loading={ loading }
				placeholder={ __(
					'Anyone: type a name or email',
					'aipkit-usage'
				) }
				help={ error || undefined }
			/>
		</div>
	);
}
