import {
	Button,
	CheckboxControl,
	Notice,
	SelectControl,
	Spinner,
	ToggleControl,
} from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { api } from './api';

/**
 * Billing > WooCommerce: the Customer dashboard page (a picker of published pages, "Create the page
 * for me", a warning when the chosen page lacks [aipkit_token_usage]), who may see the dashboard
 * (role access) and whether WooCommerce My Account gets a "Credits & Usage" tab.
 *
 * @param {Object} props
 * @param {Object} props.boot The page's boot data (capabilities, settings).
 */
export default function DashboardPagePicker( { boot } ) {
	const canEdit = !! boot?.capabilities?.aipkit_manage_settings;
	const [ data, setData ] = useState( null );
	const [ busy, setBusy ] = useState( false );
	const [ notice, setNotice ] = useState( null );
	const [ roles, setRoles ] = useState(
		() => boot?.settings?.dashboard_roles || []
	);
	const [ tab, setTab ] = useState(
		() => boot?.settings?.dashboard_my_account_tab !== false
	);

	const load = useCallback(
		() =>
			api( '/dashboard/pages' ).then( setData, ( e ) =>
				setNotice( { status: 'error', text: e.message } )
			),
		[]
	);
	useEffect( () => {
		if ( canEdit ) {
			load();
		}
	}, [ canEdit, load ] );

	async function run( path, body, done ) {
		setBusy( true );
		setNotice( null );
		try {
			const status = await api( path, { method: 'POST', data: body } );
			setData( ( old ) => ( { ...old, status } ) );
			await load();
			setNotice( { status: 'success', text: done } );
		} catch ( e ) {
			setNotice( { status: 'error', text: e.message } );
		} finally {
			setBusy( false );
		}
	}

	// The checkbox or toggle shows the new value at once; a refused save puts the old one back.
	async function saveSetting( changes, done ) {
		const before = { roles, tab };
		if ( 'dashboard_roles' in changes ) {
			setRoles( changes.dashboard_roles );
		}
		if ( 'dashboard_my_account_tab' in changes ) {
			setTab( changes.dashboard_my_account_tab );
		}
		setBusy( true );
		setNotice( null );
		try {
			const s = await api( '/settings', {
				method: 'POST',
				data: changes,
			} );
			setRoles( s.dashboard_roles || [] );
			setTab( s.dashboard_my_account_tab !== false );
			setNotice( { status: 'success', text: done } );
		} catch ( e ) {
			setRoles( before.roles );
			setTab( before.tab );
			setNotice( { status: 'error', text: e.message } );
		} finally {
			setBusy( false );
		}
	}

	if ( ! canEdit ) {
		return null;
	}
	if ( ! data ) {
		return notice ? (
			<Notice status="error" isDismissible={ false }>
				{ notice.text }
			</Notice>
		) : (
			<Spinner />
		);
	}
	const status = data.status || {};
	const chosen = status.page?.id || 0;
	const options = [
		{ value: '0', label: __( '— No page —', 'aipkit-usage' ) },
		...data.items.map( ( p ) => ( {
			value: String( p.id ),
			label: p.has_shortcode
				? p.title
				: sprintf(
						/* translators: %s: page title */
						__( '%s (no dashboard shortcode)', 'aipkit-usage' ),
						p.title
					),
		} ) ),
	];
	return (
		<div
			className="aipkit-usage-dashboard-page"
			style={ { maxWidth: '40rem', marginBottom: 24 } }
		>
			<h3>{ __( 'Customer dashboard', 'aipkit-usage' ) }</h3>
			{ notice && (
				<Notice status={ notice.status } isDismissible={ false }>
					<span
						role={ notice.status === 'error' ? 'alert' : 'status' }
					>
						{ notice.text }
					</span>
				</Notice>
			) }
			{ status.warning && (
				<Notice
					status="warning"
					isDismissible={ false }
					className="aipkit-usage-dashboard-page__warning"
				>
					{ status.warning }
				</Notice>
			) }
			<SelectControl
				label={ __( 'Customer dashboard page', 'aipkit-usage' ) }
				help={ __(
					'The page customers open from quota messages (“View usage”). It should hold the [aipkit_token_usage] shortcode.',
					'aipkit-usage'
				) }
				value={ String( chosen ) }
				options={ options }
				disabled={ busy }
				onChange={ ( v ) =>
					run(
						'/dashboard/page',
						{ page_id: Number( v ) },
						__( 'Customer dashboard page saved.', 'aipkit-usage' )
					)
				}
			/>
			<p style={ { display: 'flex', gap: 12, alignItems: 'center' } }>
				<Button
					variant="secondary"
					isBusy={ busy }
					__experimentalIsFocusable
					onClick={ () =>
						! busy &&
						run(
							'/dashboard/page/create',
							{},
							__(
								'A “Credits & Usage” page with the dashboard shortcode was published and chosen.',
								'aipkit-usage'
							)
						)
					}
				>
					{ __( 'Create the page for me', 'aipkit-usage' ) }
				</Button>
				{ status.page?.url && (
					<a
						href={ status.page.url }
						target="_blank"
						rel="noreferrer"
					>
						{ __( 'View the dashboard page', 'aipkit-usage' ) }
					</a>
				) }
			</p>
			<fieldset className="aipkit-usage-dashboard-page__roles">
				<legend>
					<strong>{ __( 'Role access', 'aipkit-usage' ) }</strong>
				</legend>
				<p>
					{ roles.length === 0
						? __(
								'Every logged-in user may see the dashboard. Tick roles to limit it to them.',
								'aipkit-usage'
							)
						: __(
								'Only users with a ticked role see the dashboard; others get a message saying they have no access.',
								'aipkit-usage'
							) }
				</p>
				{ ( data.roles || [] ).map( ( r ) => (
					<CheckboxControl
						key={ r.slug }
						label={ r.name }
						checked={ roles.includes( r.slug ) }
						disabled={ busy }
						onChange={ ( on ) =>
							saveSetting(
								{
									dashboard_roles: on
										? [ ...roles, r.slug ]
										: roles.filter( ( x ) => x !== r.slug ),
								},
								__( 'Role access saved.', 'aipkit-usage' )
							)
						}
					/>
				) ) }
			</fieldset>
			<ToggleControl
				label={ __(
					'Add a “Credits & Usage” tab to WooCommerce My Account',
					'aipkit-usage'
				) }
				checked={ tab }
				disabled={ busy }
				onChange={ ( on ) =>
					saveSetting(
						{ dashboard_my_account_tab: on },
						__( 'My Account setting saved.', 'aipkit-usage' )
					)
				}
			/>
		</div>
	);
}
