import { Notice, TextControl } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { api, credits } from './api';

/**
 * Inline editor of one user's Credit Balance. Enter or leaving the field saves, sending the value
 * the admin saw with the new one; if the balance changed meanwhile the server refuses and we show
 * the conflict with the current value instead of overwriting it.
 *
 * @param {Object}   props
 * @param {Object}   props.user    The row's user, with its current `balance` (decimal string).
 * @param {Function} props.onSaved Called with the saved user after a successful change.
 */
export default function BalanceCell( { user, onSaved } ) {
	const [ seen, setSeen ] = useState( user.balance );
	const [ value, setValue ] = useState( credits( user.balance ) );
	const [ state, setState ] = useState( { status: 'idle' } );
	const saving = useRef( false );

	useEffect( () => {
		setSeen( user.balance );
		setValue( credits( user.balance ) );
	}, [ user.balance ] );

	const save = async () => {
		if ( saving.current || value.trim() === credits( seen ) ) {
			return;
		}
		saving.current = true;
		setState( { status: 'saving' } );
		try {
			const res = await api( `/balances/${ user.user_id }`, {
				method: 'POST',
				data: {
					expected_balance: seen,
					new_balance: value.trim(),
					reason: __(
						'Edited in Usage > Billing > Balances',
						'aipkit-usage'
					),
				},
			} );
			setSeen( res.balance );
			setValue( credits( res.balance ) );
			setState( { status: 'saved' } );
			onSaved?.( res );
		} catch ( e ) {
			setState( {
				status: 'error',
				message: e.message,
				current: e.data?.current_balance,
			} );
		} finally {
			saving.current = false;
		}
	};

	return (
		<div
			className="aipkit-balance-cell"
			data-testid={ `balance-${ user.user_id }` }
		>
			<TextControl
				label={ sprintf(
					/* translators: %s: user name */ __(
						'Credit balance of %s',
						'aipkit-usage'
					),
					user.name
				) }
				hideLabelFromVision
				value={ value }
				inputMode="decimal"
				onChange={ setValue }
				onBlur={ save }
				onKeyDown={ ( ev ) => {
					if ( ev.key === 'Enter' ) {
						ev.preventDefault();
						save();
					}
					if ( ev.key === 'Escape' ) {
						setValue( credits( seen ) );
						setState( { status: 'idle' } );
					}
				} }
				disabled={ state.status === 'saving' }
			/>
			{ state.status === 'saved' && (
				<span className="aipkit-balance-cell__saved" role="status">
					{ __( 'Saved', 'aipkit-usage' ) }
				</span>
			) }
			{ state.status === 'error' && (
				<Notice
					status="error"
					isDismissible={ false }
					className="aipkit-balance-cell__error"
				>
					{ state.message }
					{ state.current !== undefined && (
						<>
							{ ' ' }
							<button
								type="button"
								className="button-link"
								onClick={ () => {
									setSeen( state.current );
									setValue( credits( state.current ) );
									setState( { status: 'idle' } );
								} }
							>
								{ __(
									'Use the current balance',
									'aipkit-usage'
								) }
							</button>
						</>
					) }
				</Notice>
			) }
		</div>
	);
}
