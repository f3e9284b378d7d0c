import { BaseControl } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

let instances = 0;

/**
 * One searchable text field with suggestions (WAI-ARIA combobox, list autocomplete).
 *
 * Typing filters the suggestions (or asks the caller, for server-side search); ArrowDown/ArrowUp
 * move through them, Enter or a click picks one, Escape closes the list. With `allowFree` the
 * typed text itself is the value (a model no list knows yet); without it only a pick changes it.
 *
 * @param {Object}   props
 * @param {string}   props.label         Visible label.
 * @param {string}   props.value         Text in the field.
 * @param {Function} props.onChange      (text) on every keystroke (allowFree) or pick.
 * @param {Function} [props.onPick]      (option) when a suggestion is picked.
 * @param {Object[]} props.options       [{ value, label, hint? }] suggestions.
 * @param {boolean}  [props.filter]      Filter `options` by the typed text (false: the caller searches).
 * @param {boolean}  [props.allowFree]   Keep typed text that matches no suggestion.
 * @param {boolean}  [props.loading]     A search is running.
 * @param {string}   [props.help]        Help text under the field.
 * @param {string}   [props.placeholder]
 * @param {string}   [props.className]
 */
export default function Combobox( {
	label,
	value,
	onChange,
	onPick,
	options,
	filter = true,
	allowFree = true,
	loading = false,
	help,
	placeholder,
	className = '',
} ) {
	const idRef = useRef( null );
	if ( idRef.current === null ) {
		idRef.current = `aipkit-combobox-${ ++instances }`;
	}
	const id = idRef.current;
	const [ open, setOpen ] = useState( false );
	const [ active, setActive ] = useState( -1 );
	const [ typed, setTyped ] = useState( value || '' );
	const input = useRef();
	useEffect( () => setTyped( value || '' ), [ value ] );

	const needle = typed.trim().toLowerCase();
	const shown = (
		filter && needle
			? options.filter( ( o ) =>
					`${ o.label } ${ o.value } ${ o.hint || '' }`
						.toLowerCase()
						.includes( needle )
				)
			: options
	).slice( 0, 50 );

	const pick = ( o ) => {
		setTyped( o.label );
		setOpen( false );
		setActive( -1 );
		if ( onPick ) {
			onPick( o );
		} else {
			onChange( o.value );
		}
	};

	const onKeyDown = ( e ) => {
		if ( e.key === 'ArrowDown' ) {
			e.preventDefault();
			setOpen( true );
			setActive( ( i ) => Math.min( shown.length - 1, i + 1 ) );
		} else if ( e.key === 'ArrowUp' ) {
			e.preventDefault();
			setActive( ( i ) => Math.max( -1, i - 1 ) );
		} else if (
			e.key === 'Enter' &&
			open &&
			active >= 0 &&
			shown[ active ]
		) {
			e.preventDefault();
			pick( shown[ active ] );
		} else if ( e.key === 'Escape' && open ) {
			e.preventDefault();
			e.stopPropagation();
			setOpen( false );
			setActive( -1 );
		}
	};

	const listId = `${ id }-list`;
	return (
		<BaseControl
			id={ id }
			label={ label }
			help={ help }
			className={ `aipkit-combobox ${ className }` }
		>
			<div
				className="aipkit-combobox__wrap"
				style={ { position: 'relative' } }
			>
				<input
					ref={ input }
					id={ id }
					className="components-text-control__input"
					type="text"
					role="combobox"
					autoComplete="off"
					aria-autocomplete="list"
					aria-expanded={ open && shown.length > 0 }
					aria-controls={ listId }
					aria-activedescendant={
						open && active >= 0
							? `${ id }-opt-${ active }`
							: undefined
					}
					placeholder={ placeholder }
					value={ typed }
					onChange={ ( e ) => {
						setTyped( e.target.value );
						setOpen( true );
						setActive( -1 );
						if ( allowFree ) {
							onChange( e.target.value );
						} else if ( ! filter ) {
							onChange( e.target.value );
						}
					} }
					onFocus={ () => setOpen( true ) }
					onBlur={ () => {
						// Let a click on an option land first.
						setTimeout( () => setOpen( false ), 150 );
						if ( ! allowFree ) {
							setTyped( value || '' );
						}
					} }
					onKeyDown={ onKeyDown }
				/>
				<ul
					id={ listId }
					role="listbox"
					aria-label={ label }
					className="aipkit-combobox__list"
					hidden={ ! open || shown.length === 0 }
				>
					{ shown.map( ( o, i ) => (
						<li
							key={ `${ o.value }-${ i }` }
							id={ `${ id }-opt-${ i }` }
							role="option"
							aria-selected={ i === active }
							className={
								i === active
									? 'aipkit-combobox__option is-active'
									: 'aipkit-combobox__option'
							}
							onMouseDown={ ( e ) => {
								e.preventDefault();
								pick( o );
							} }
						>
							<span>{ o.label }</span>
							{ o.hint && (
								<span className="aipkit-combobox__hint">
									{ o.hint }
								</span>
							) }
						</li>
					) ) }
				</ul>
				<span className="screen-reader-text" aria-live="polite">
					{ open && ! loading
						? sprintf(
								/* translators: %d: number of suggestions */
								__( '%d suggestions.', 'aipkit-usage' ),
								shown.length
							)
						: '' }
				</span>
			</div>
		</BaseControl>
	);
}
