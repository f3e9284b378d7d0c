import { __, sprintf } from '@wordpress/i18n';
import { useState } from '@wordpress/element';
import { Button, Notice, TextControl } from '@wordpress/components';
import { api } from '../api';

const KIND_LABELS = {
	purchase: __( 'Purchase', 'aipkit-usage' ),
	purchase_reversal: __( 'Reversal', 'aipkit-usage' ),
};

/**
 * "Check an order": the documentation's four checks for "Credits were not granted after purchase",
 * each passed or failed in a plain sentence, what the ledger holds for the order, and "Grant now"
 * when everything passes but nothing was granted.
 *
 * @param {Object}  props
 * @param {boolean} props.canGrant Whether the user may grant (manages balances).
 */
export default function CheckOrder( { canGrant } ) {
	const [ orderId, setOrderId ] = useState( '' );
	const [ result, setResult ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ busy, setBusy ] = useState( false );
	const [ granted, setGranted ] = useState( null );

	async function check( event ) {
		event.preventDefault();
		const id = parseInt( orderId.replace( /^#/, '' ), 10 );
		setError( null );
		setGranted( null );
		if ( ! id || id < 1 ) {
			setResult( null );
			setError(
				__( 'Enter an order number, e.g. 123.', 'aipkit-usage' )
			);
			return;
		}
		setBusy( true );
		try {
			setResult( await api( `/woocommerce/orders/${ id }/diagnostics` ) );
		} catch ( e ) {
			setResult( null );
			setError( e.message );
		} finally {
			setBusy( false );
		}
	}

	async function grant() {
		setBusy( true );
		setError( null );
		try {
			const r = await api(
				`/woocommerce/orders/${ result.order_id }/grant`,
				{
					method: 'POST',
				}
			);
			setResult( r.diagnostics );
			setGranted( r.granted.length );
		} catch ( e ) {
			setError( e.message );
		} finally {
			setBusy( false );
		}
	}

	return (
		<div className="aipkit-usage-woocommerce__check">
			<form
				onSubmit={ check }
				className="aipkit-usage-woocommerce__check-form"
				style={ {
					display: 'flex',
					gap: '8px',
					alignItems: 'flex-end',
				} }
			>
				<TextControl
					label={ __( 'Order number', 'aipkit-usage' ) }
					value={ orderId }
					inputMode="numeric"
					onChange={ setOrderId }
					__nextHasNoMarginBottom
				/>
				<Button
					variant="secondary"
					type="submit"
					isBusy={ busy }
					disabled={ busy }
					__experimentalIsFocusable
				>
					{ __( 'Check order', 'aipkit-usage' ) }
				</Button>
			</form>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					<span role="alert">{ error }</span>
				</Notice>
			) }
			{ granted !== null && (
				<Notice status="success" isDismissible={ false }>
					<span role="status">
						{ granted
							? __( 'Credits granted.', 'aipkit-usage' )
							: __(
									'Nothing was left to grant.',
									'aipkit-usage'
								) }
					</span>
				</Notice>
			) }
			{ result && (
				<div
					className="aipkit-usage-woocommerce__diagnostics"
					aria-live="polite"
				>
					<h4>
						<a href={ result.edit_url }>
							{ sprintf(
								/* translators: %s: order number */
								__( 'Order #%s', 'aipkit-usage' ),
								result.number
							) }
						</a>
					</h4>
					<ul className="aipkit-usage-woocommerce__checks">
						{ result.checks.map( ( c ) => (
							<li
								key={ c.key }
								data-check={ c.key }
								data-passed={ c.passed ? 'yes' : 'no' }
							>
								<strong>
									{ c.passed
										? __( 'Passed:', 'aipkit-usage' )
										: __( 'Failed:', 'aipkit-usage' ) }
								</strong>{ ' ' }
								{ c.label } — { c.message }
							</li>
						) ) }
					</ul>
					{ result.ledger.length ? (
						<table className="widefat striped">
							<caption>
								{ __(
									'Ledger entries for this order',
									'aipkit-usage'
								) }
							</caption>
							<thead>
								<tr>
									<th scope="col">#</th>
									<th scope="col">
										{ __( 'Kind', 'aipkit-usage' ) }
									</th>
									<th scope="col">
										{ __( 'Credits', 'aipkit-usage' ) }
									</th>
									<th scope="col">
										{ __( 'Uncollected', 'aipkit-usage' ) }
									</th>
									<th scope="col">
										{ __( 'Note', 'aipkit-usage' ) }
									</th>
								</tr>
							</thead>
							<tbody>
								{ result.ledger.map( ( r ) => (
									<tr key={ r.id }>
										<td>{ r.id }</td>
										<td>
											{ KIND_LABELS[ r.kind ] ?? r.kind }
										</td>
										<td>{ r.amount }</td>
										<td>{ r.uncollected }</td>
										<td>{ r.note }</td>
									</tr>
								) ) }
							</tbody>
						</table>
					) : (
						<p>
							{ __(
								'The ledger holds nothing for this order.',
								'aipkit-usage'
							) }
						</p>
					) }
					{ result.can_grant && canGrant && (
						<Button
							variant="primary"
							onClick={ grant }
							isBusy={ busy }
							disabled={ busy }
						>
							{ __( 'Grant now', 'aipkit-usage' ) }
						</Button>
					) }
				</div>
			) }
		</div>
	);
}
