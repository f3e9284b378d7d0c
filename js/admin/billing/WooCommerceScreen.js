import { __ } from '@wordpress/i18n';
import { useState } from '@wordpress/element';
import {
	Button,
	Card,
	CardBody,
	Notice,
	TextControl,
} from '@wordpress/components';
import { api } from './api';
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
 * Billing > WooCommerce. The credit-package integration itself is a later issue; until then the tab
 * says what it will do and edits the two settings the customer dashboard already uses.
 *
 * @param {Object} props
 * @param {Object} props.boot The page's boot data (capabilities, settings).
 */
export default function WooCommerceScreen( { boot } ) {
	const canEdit =
		!! boot?.capabilities?.aipkit_manage_settings && !! boot?.settings;
	const [ values, setValues ] = useState( () =>
		Object.fromEntries(
			FIELDS.map( ( f ) => [ f.key, boot?.settings?.[ f.key ] ?? '' ] )
		)
	);
	const [ saved, setSaved ] = useState( values );
	const [ busy, setBusy ] = useState( false );
	const [ notice, setNotice ] = useState( null );
	const [ invalid, setInvalid ] = useState( null );
	const dirty = FIELDS.some( ( f ) => values[ f.key ] !== saved[ f.key ] );

	async function save( event ) {
		event.preventDefault();
		setBusy( true );
		setNotice( null );
		setInvalid( null );
		try {
			const changes = Object.fromEntries(
				FIELDS.map( ( f ) => [ f.key, values[ f.key ].trim() ] )
			);
			const result = await api( '/settings', {
				method: 'POST',
				data: changes,
			} );
			const next = Object.fromEntries(
				FIELDS.map( ( f ) => [ f.key, result?.[ f.key ] ?? '' ] )
			);
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
						'Selling credit packages through WooCommerce is not available yet. When it is, products marked as an AI Puffer credit package will add their credits to the buyer’s balance when the order is paid (a WordPress user account is required; guest orders cannot receive credits), and refunds will take them back — each as an entry in the ledger.',
						'aipkit-usage'
					) }
				</p>
				<p>
					{ __(
						'The customer dashboard settings below are used already: create a page (for example “Credits & Usage”) with the [aipkit_token_usage] shortcode, publish it and enter its address.',
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
							'Only users who can manage AI Puffer Usage settings can change the customer dashboard URL and the default buy credits URL.',
							'aipkit-usage'
						) }
					</p>
				) }
			</CardBody>
		</Card>
	);
}
