import { TabPanel } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { useCallback } from '@wordpress/element';
import LogsScreen from './logs/LogsScreen';
import PricingScreen from './billing/PricingScreen';
import ActivityScreen from './billing/ActivityScreen';
import BalancesScreen from './billing/BalancesScreen';
import QuotasScreen from './billing/QuotasScreen';
import WooCommerceScreen from './billing/WooCommerceScreen';
import SampleCharge from './components/SampleCharge';
import ErrorBoundary from './components/ErrorBoundary';

const TABS = [
	{ name: 'logs', title: __( 'Logs', 'aipkit-usage' ) },
	{ name: 'billing', title: __( 'Billing', 'aipkit-usage' ) },
];

const BILLING_TABS = [
	{
		name: 'pricing',
		title: __( 'Pricing', 'aipkit-usage' ),
		Screen: PricingScreen,
	},
	{
		name: 'activity',
		title: __( 'Activity', 'aipkit-usage' ),
		Screen: ActivityScreen,
	},
	{
		name: 'balances',
		title: __( 'Balances', 'aipkit-usage' ),
		Screen: BalancesScreen,
	},
	{
		name: 'quotas',
		title: __( 'Quotas', 'aipkit-usage' ),
		Screen: QuotasScreen,
	},
	{
		name: 'woocommerce',
		title: __( 'WooCommerce', 'aipkit-usage' ),
		Screen: WooCommerceScreen,
	},
];

/**
 * Current ?tab= / ?section= values, so a reload or a shared link opens the same screen.
 *
 * @param {string}   key      Query argument name ("tab" or "section").
 * @param {Object[]} allowed  The tabs it may name (each with a `name`).
 * @param {string}   fallback Name used when the URL names none of them.
 * @return {string} The tab name to open.
 */
function fromUrl( key, allowed, fallback ) {
	const value = new URLSearchParams( window.location.search ).get( key );
	return allowed.some( ( t ) => t.name === value ) ? value : fallback;
}

function toUrl( key, value ) {
	const url = new URL( window.location.href );
	url.searchParams.set( key, value );
	window.history.replaceState( null, '', url.toString() );
}

export default function App( { boot } ) {
	const onTab = useCallback( ( name ) => toUrl( 'tab', name ), [] );
	const onSection = useCallback( ( name ) => toUrl( 'section', name ), [] );

	// A developer check reached from Tools > Site Health, not a tab of the owner's screens.
	if (
		new URLSearchParams( window.location.search ).get( 'tab' ) ===
		'diagnostics'
	) {
		return (
			<div className="aipkit-usage-app">
				<p>
					<a href={ boot.page_url }>
						{ __( '← Back to Usage', 'aipkit-usage' ) }
					</a>
				</p>
				<ErrorBoundary>
					<SampleCharge boot={ boot } />
				</ErrorBoundary>
			</div>
		);
	}

	return (
		<div className="aipkit-usage-app">
			<TabPanel
				className="aipkit-usage-tabs"
				tabs={ TABS }
				initialTabName={ fromUrl( 'tab', TABS, 'logs' ) }
				onSelect={ onTab }
			>
				{ ( tab ) =>
					tab.name === 'logs' ? (
						<ErrorBoundary>
							<LogsScreen boot={ boot } />
						</ErrorBoundary>
					) : (
						<TabPanel
							className="aipkit-usage-billing-tabs"
							tabs={ BILLING_TABS }
							initialTabName={ fromUrl(
								'section',
								BILLING_TABS,
								'pricing'
							) }
							onSelect={ onSection }
						>
							{ ( section ) => {
								const { Screen } = BILLING_TABS.find(
									( t ) => t.name === section.name
								);
								return (
									<ErrorBoundary>
										<Screen boot={ boot } />
									</ErrorBoundary>
								);
							} }
						</TabPanel>
					)
				}
			</TabPanel>
		</div>
	);
}
