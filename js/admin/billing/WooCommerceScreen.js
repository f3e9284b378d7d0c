import { __ } from '@wordpress/i18n';
import { useEffect, useState } from '@wordpress/element';
import {
	Button,
	Card,
	CardBody,
	CheckboxControl,
	Notice,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { api } from './api';
import CreditProducts from './woocommerce/CreditProducts';
import CheckOrder from './woocommerce/CheckOrder';
import DashboardPagePicker from './DashboardPagePicker';

const FIELDS = [
	// customer_dashboard_url: chosen as a page by DashboardPagePicker.
	{
		key: 'buy_credits_url',
		label: __( 'Default buy credits URL', 'aipkit-usage' ),
		help: __(
			'Where dashboard buttons and quota messages send users to buy credits. Leave empty to hide the link.',
			'aipkit-usage'
		),
	},
];

/**
 * The field a settings error names: our own errors carry data.field, WordPress's argument errors data.params.
 *
 * @param {Error|Object} e The error thrown by api().
 * @return {string|null} The setting's name, or null when the error names none.
 */
function errorField( e ) {
	if ( e?.field ) {
		return e.field;
	}
	const params = e?.data?.params;
	return params ? Object.keys( params )[ 0 ] : null;
}

/**
 * Billing > WooCommerce: whether WooCommerce is active, the credit packages on sale, "Check an order",
 * and the settings of the integration and of the customer dashboard.
 *
 * @param {Object} props
 * @param {Object} props.boot The page's boot data (capabilities, settings).
 */
export default function WooCommerceScreen( { boot } ) {
	const canEdit =
		!! boot?.capabilities?.aipkit_manage_settings && !! boot?.settings;
	const canManage = !! boot?.capabilities?.aipkit_manage_balances;
	const [ shop, setShop ] = useState( null );
	const [ shopError, setShopError ] = useState( null );
	useEffect( () => {
		if ( ! canManage ) {
			return;
		}
		api( '/woocommerce' )
			.then( setShop )
			.catch( ( e ) => setShopError( e.message ) );
	}, [ canManage ] );
	const [ values, setValues ] = useState( () => ( {
		...Object.fromEntries(
			FIELDS.map( ( f ) => [ f.key, boot?.settings?.[ f.key ] ?? '' ] )
		),
		grant_processing: (
			boot?.settings?.woocommerce_grant_statuses ?? []
		).includes( 'processing' ),
		allow_negative: !! boot?.settings?.woocommerce_allow_negative_balance,
	} ) );
	const [ saved, setSaved ] = useState( values );
	const [ busy, setBusy ] = useState( false );
	const [ notice, setNotice ] = useState( null );
	const [ invalid, setInvalid ] = useState( null );
	const dirty = Object.keys( values ).some(
		( k ) => values[ k ] !== saved[ k ]
	);

	async function save( event ) {
		event.preventDefault();
		setBusy( true );
		setNotice( null );
		setInvalid( null );
		try {
			const changes = {
				...Object.fromEntries(
					FIELDS.map( ( f ) => [ f.key, values[ f.key ].trim() ] )
				),
				woocommerce_grant_statuses: values.grant_processing
					? [ 'completed', 'processing' ]
					: [ 'completed' ],
				woocommerce_allow_negative_balance: values.allow_negative,
			};
			const result = await api( '/settings', {
				method: 'POST',
				data: changes,
			} );
			const next = {
				...Object.fromEntries(
					FIELDS.map( ( f ) => [ f.key, result?.[ f.key ] ?? '' ] )
				),
				grant_processing: (
					result?.woocommerce_grant_statuses ?? []
				).includes( 'processing' ),
				allow_negative: !! result?.woocommerce_allow_negative_balance,
			};
			setValues( next );
			setSaved( next );
			setNotice( {
				status: 'success',
				text: __( 'Settings saved.', 'aipkit-usage' ),
			} );
		} catch ( e ) {
			setInvalid( errorField( e ) );
			setNotice( { status: 'error', text: e.message } );
		} finally {
			setBusy( false );
		}
	}

	return (
		<Card className="aipkit-usage-woocommerce" data-screen="woocommerce">
			<CardBody>
				<h2>{ __( 'WooCommerce Integration', 'aipkit-usage' ) }</h2>
				<p>
					{ __(
						'Products marked as an AI Puffer credit package add their credits to the buyer’s balance when the order is completed (a WordPress user account is required; guest orders receive no credits), and refunds or cancellations take them back — each as an entry in the ledger.',
						'aipkit-usage'
					) }
				</p>
				{ canManage && ! shop && ! shopError && <Spinner /> }
				{ shopError && (
					<Notice status="error" isDismissible={ false }>
						{ shopError }
					</Notice>
				) }
				{ shop && ! shop.active && (
					<Notice
						status="warning"
						isDismissible={ false }
						className="aipkit-usage-woocommerce__inactive"
					>
						{ __(
							'WooCommerce is not active. Install and activate WooCommerce to sell credit packages; the ledger keeps every purchase and reversal recorded before.',
							'aipkit-usage'
						) }
					</Notice>
				) }
				{ shop?.active && (
					<>
						<h3>{ __( 'Credit products', 'aipkit-usage' ) }</h3>
						<CreditProducts
							products={ shop.products }
							newProductUrl={ shop.new_product_url }
						/>
						<h3>{ __( 'Check an order', 'aipkit-usage' ) }</h3>
						<p>
							{ __(
								'Credits were not granted after a purchase? Enter the order number to see the four checks (order status, linked user, credit package, amount) and what the ledger holds for it.',
								'aipkit-usage'
							) }
						</p>
						<CheckOrder canGrant={ canManage } />
					</>
				) }
				<h3>{ __( 'Settings', 'aipkit-usage' ) }</h3>
				<p>
					{ __(
						'For the customer dashboard: create a page (for example “Credits & Usage”) with the [aipkit_token_usage] shortcode, publish it and enter its address.',
						'aipkit-usage'
					) }
				</p>
				<DashboardPagePicker boot={ boot } />
				{ canEdit ? (
					<form
						className="aipkit-usage-woocommerce__form"
						style={ { maxWidth: '40rem' } }
						onSubmit={ save }
						noValidate
					>
						{ notice && (
							<Notice
								status={ notice.status }
								isDismissible={ false }
							>
								<span
									role={
										notice.status === 'error'
											? 'alert'
											: 'status'
									}
								>
									{ notice.text }
								</span>
							</Notice>
						) }
						{ FIELDS.map( ( f ) => (
							<TextControl
								key={ f.key }
								type="url"
								label={ f.label }
								help={ f.help }
								value={ values[ f.key ] }
								placeholder="https://"
								aria-invalid={
									invalid === f.key ? 'true' : undefined
								}
								className={
									invalid === f.key
										? 'aipkit-usage-field--invalid'
										: undefined
								}
								onChange={ ( v ) =>
									setValues( ( old ) => ( {
										...old,
										[ f.key ]: v,
									} ) )
								}
							/>
						) ) }
						<CheckboxControl
							label={ __(
								'Also grant credits when an order is Processing',
								'aipkit-usage'
							) }
							help={ __(
								'Completed always grants. With this on, paid orders grant as soon as they are Processing.',
								'aipkit-usage'
							) }
							checked={ values.grant_processing }
							onChange={ ( v ) =>
								setValues( ( old ) => ( {
									...old,
									grant_processing: v,
								} ) )
							}
						/>
						<CheckboxControl
							label={ __(
								'Allow negative balance after refunds',
								'aipkit-usage'
							) }
							help={ __(
								'Off: a refund takes back only what the balance still holds and records the rest as uncollected. On: it takes back everything, even if the balance goes negative.',
								'aipkit-usage'
							) }
							checked={ values.allow_negative }
							onChange={ ( v ) =>
								setValues( ( old ) => ( {
									...old,
									allow_negative: v,
								} ) )
							}
						/>
						<Button
							variant="primary"
							type="submit"
							isBusy={ busy }
							disabled={ busy || ! dirty }
							__experimentalIsFocusable
						>
							{ __( 'Save settings', 'aipkit-usage' ) }
						</Button>
					</form>
				) : (
					<p className="aipkit-usage-woocommerce__readonly">
						{ __(
							'Only users who can manage AI Puffer Usage settings can change these settings.',
							'aipkit-usage'
						) }
					</p>
				) }
			</CardBody>
		</Card>
	);
}
