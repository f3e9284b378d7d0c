import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	SelectControl,
	Spinner,
	TextareaControl,
	TextControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import ConfirmDialog from '../components/ConfirmDialog';
import DataTable from '../components/DataTable';
import EditModal from '../components/EditModal';
import EmptyState from '../components/EmptyState';
import RowActions from '../components/RowActions';
import useRestResource from '../api/useRestResource';
import useSubmit from '../api/useSubmit';
import { api, credits, MODULES } from './api';

const PERIODS = [
	{ value: 'never', label: __( 'Never reset', 'aipkit-usage' ) },
	{ value: 'daily', label: __( 'Daily', 'aipkit-usage' ) },
	{ value: 'weekly', label: __( 'Weekly', 'aipkit-usage' ) },
	{ value: 'monthly', label: __( 'Monthly', 'aipkit-usage' ) },
];
const NO_RULE_CHOICES = [
	{
		value: 'unlimited',
		label: __( 'Unlimited', 'aipkit-usage' ),
	},
	{
		value: 'balance_only',
		label: __( 'Credit balance only', 'aipkit-usage' ),
	},
];
const moduleLabel = ( m ) => MODULES.find( ( x ) => x.value === m )?.label || m;

/*
 * The owner's choice for modules without a quota rule (setting no_quota_rule), with those modules
 * listed, so "no rule" is never a silent free pass.
 */
function NoRuleSetting( { value, modules, onSaved } ) {
	const { busy, error, submit } = useSubmit();
	const change = ( v ) =>
		submit(
			() =>
				api( '/settings', {
					method: 'POST',
					data: { no_quota_rule: v },
				} ),
			onSaved
		);
	return (
		<div className="aipkit-quotas-no-rule">
			<SelectControl
				label={ __( 'When no quota rule applies', 'aipkit-usage' ) }
				value={ value }
				options={ NO_RULE_CHOICES }
				onChange={ change }
				disabled={ busy }
				help={
					value === 'unlimited'
						? __(
								'Requests in a module without a rule are admitted even when the user has no credits left.',
								'aipkit-usage'
							)
						: __(
								'Requests in a module without a rule are paid from the credit balance only; guests are refused.',
								'aipkit-usage'
							)
				}
				__nextHasNoMarginBottom
			/>
			<p>
				{ modules.length === 0
					? __( 'Every module has a quota rule.', 'aipkit-usage' )
					: sprintf(
							/* translators: %s: list of modules */ __(
								'Modules without a rule: %s',
								'aipkit-usage'
							),
							modules.map( moduleLabel ).join( ', ' )
						) }
			</p>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error.message }
				</Notice>
			) }
		</div>
	);
}

const limitText = ( v ) =>
	v === null || v === undefined
		? __( 'Unlimited', 'aipkit-usage' )
		: credits( v );

function QuotaForm( { initial, bots, roles, onSaved, onCancel } ) {
	const [ q, setQ ] = useState( {
		...initial,
		guest_limit:
			initial.guest_limit === null ? '' : credits( initial.guest_limit ),
		user_limit:
			initial.user_limit === null ? '' : credits( initial.user_limit ),
		role_limits: Object.fromEntries(
			Object.entries( initial.role_limits || {} ).map( ( [ r, v ] ) => [
				r,
				v === null ? '' : credits( v ),
			] )
		),
	} );
	const { busy, error, submit } = useSubmit();
	const set = ( k ) => ( v ) => setQ( ( x ) => ( { ...x, [ k ]: v } ) );
	const moduleBots = bots.filter( ( b ) => b.module === q.module );

	const save = ( ev ) => {
		ev.preventDefault();
		const data = {
			...q,
			role_limits: Object.fromEntries(
				Object.entries( q.role_limits )
					.filter( ( [ , v ] ) => v !== undefined )
					.map( ( [ r, v ] ) => [ r, v === '' ? null : v ] )
			),
		};
		return submit(
			() =>
				api( initial.id ? `/quotas/${ initial.id }` : '/quotas', {
					method: 'POST',
					data,
				} ),
			onSaved
		);
	};
	const help = ( field, text ) =>
		error?.field === field ? error.message : text;

	return (
		<form onSubmit={ save }>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error.message }
				</Notice>
			) }
			<SelectControl
				label={ __( 'Module', 'aipkit-usage' ) }
				value={ q.module }
				options={ MODULES }
				onChange={ set( 'module' ) }
				disabled={ !! initial.id }
			/>
			<SelectControl
				label={ __( 'Bot or form', 'aipkit-usage' ) }
				value={ q.bot_id }
				options={ [
					{ value: '', label: __( 'Whole module', 'aipkit-usage' ) },
				].concat(
					moduleBots.map( ( b ) => ( {
						value: b.bot_id,
						label: b.name,
					} ) )
				) }
				onChange={ set( 'bot_id' ) }
				disabled={ !! initial.id }
				help={ __(
					'A rule for one bot or form overrides the module rule.',
					'aipkit-usage'
				) }
			/>
			<TextControl
				label={ __(
					'Guest limit (credits per period)',
					'aipkit-usage'
				) }
				value={ q.guest_limit }
				onChange={ set( 'guest_limit' ) }
				help={ help(
					'guest_limit',
					__(
						'Empty = unlimited, 0 = guests cannot use it.',
						'aipkit-usage'
					)
				) }
			/>
			<TextControl
				label={ __(
					'User limit (credits per period)',
					'aipkit-usage'
				) }
				value={ q.user_limit }
				onChange={ set( 'user_limit' ) }
				help={ help(
					'user_limit',
					__(
						'Empty = unlimited, 0 = none allowed (balance only).',
						'aipkit-usage'
					)
				) }
			/>
			<fieldset>
				<legend>{ __( 'Role overrides', 'aipkit-usage' ) }</legend>
				<p style={ { fontSize: 12 } }>
					{ __(
						'Leave a role unset to use the user limit. For users with several roles the largest limit applies; an unlimited role wins.',
						'aipkit-usage'
					) }
				</p>
				{ roles.map( ( r ) => {
					const present = Object.prototype.hasOwnProperty.call(
						q.role_limits,
						r.role
					);
					return (
						<div
							key={ r.role }
							style={ {
								display: 'flex',
								gap: 8,
								alignItems: 'center',
							} }
						>
							<label
								htmlFor={ `aipkit-usage-quota-role-${ r.role }` }
								style={ { minWidth: 140 } }
							>
								<input
									id={ `aipkit-usage-quota-role-${ r.role }` }
									type="checkbox"
									checked={ present }
									onChange={ ( e ) => {
										const next = { ...q.role_limits };
										if ( e.target.checked ) {
											next[ r.role ] = '';
										} else {
											delete next[ r.role ];
										}
										set( 'role_limits' )( next );
									} }
								/>{ ' ' }
								{ r.name }
							</label>
							{ present && (
								<TextControl
									label={ sprintf(
										/* translators: %s: role */ __(
											'Limit for %s',
											'aipkit-usage'
										),
										r.name
									) }
									hideLabelFromVision
									value={ q.role_limits[ r.role ] }
									placeholder={ __(
										'Unlimited',
										'aipkit-usage'
									) }
									onChange={ ( v ) =>
										set( 'role_limits' )( {
											...q.role_limits,
											[ r.role ]: v,
										} )
									}
								/>
							) }
						</div>
					);
				} ) }
			</fieldset>
			<SelectControl
				label={ __( 'Reset period', 'aipkit-usage' ) }
				value={ q.period }
				options={ PERIODS }
				onChange={ set( 'period' ) }
				help={ __(
					'Periods follow the site time zone and first day of the week.',
					'aipkit-usage'
				) }
			/>
			<TextareaControl
				label={ __(
					'Message when the quota is reached',
					'aipkit-usage'
				) }
				value={ q.message }
				onChange={ set( 'message' ) }
				placeholder={ __(
					'You have reached your quota for this period.',
					'aipkit-usage'
				) }
			/>
			<Button
				variant="primary"
				type="submit"
				isBusy={ busy }
				aria-disabled={ busy }
			>
				{ __( 'Save quota', 'aipkit-usage' ) }
			</Button>{ ' ' }
			<Button variant="tertiary" onClick={ onCancel }>
				{ __( 'Cancel', 'aipkit-usage' ) }
			</Button>
		</form>
	);
}

export default function QuotasScreen() {
	const { data, error, load } = useRestResource( '/quotas' );
	const [ editing, setEditing ] = useState( null );
	const [ deleting, setDeleting ] = useState( null );
	const [ deleteError, setDeleteError ] = useState( null );

	if ( error || deleteError ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ error || deleteError }
			</Notice>
		);
	}
	if ( ! data ) {
		return <Spinner />;
	}
	const botName = ( r ) =>
		data.bots.find(
			( b ) => b.module === r.module && b.bot_id === r.bot_id
		)?.name || r.bot_id;
	const columns = [
		{
			title: __( 'Scope', 'aipkit-usage' ),
			cell: ( r ) => (
				<>
					{ MODULES.find( ( m ) => m.value === r.module )?.label ||
						r.module }
					{ r.bot_id ? ` › ${ botName( r ) }` : '' }
				</>
			),
		},
		{
			title: __( 'Guests', 'aipkit-usage' ),
			cell: ( r ) => limitText( r.guest_limit ),
		},
		{
			title: __( 'Users', 'aipkit-usage' ),
			cell: ( r ) => limitText( r.user_limit ),
		},
		{
			title: __( 'Role overrides', 'aipkit-usage' ),
			cell: ( r ) =>
				Object.entries( r.role_limits )
					.map( ( [ role, v ] ) => `${ role }: ${ limitText( v ) }` )
					.join( ', ' ) || '—',
		},
		{
			title: __( 'Period', 'aipkit-usage' ),
			cell: ( r ) => PERIODS.find( ( p ) => p.value === r.period )?.label,
		},
		{
			title: __( 'Actions', 'aipkit-usage' ),
			cell: ( r ) => (
				<RowActions
					actions={ [
						{
							label: __( 'Edit', 'aipkit-usage' ),
							onClick: () => setEditing( r ),
						},
						{
							label: __( 'Delete', 'aipkit-usage' ),
							isDestructive: true,
							onClick: () => setDeleting( r ),
						},
					] }
				/>
			),
		},
	];
	return (
		<Card className="aipkit-quotas">
			<CardHeader>
				<h2 style={ { margin: 0 } }>
					{ __( 'Quotas', 'aipkit-usage' ) }
				</h2>
				<Button
					variant="primary"
					onClick={ () =>
						setEditing( {
							module: 'chatbot',
							bot_id: '',
							guest_limit: null,
							user_limit: null,
							role_limits: {},
							period: 'daily',
							message: '',
						} )
					}
				>
					{ __( 'New quota', 'aipkit-usage' ) }
				</Button>
			</CardHeader>
			<CardBody>
				<p>
					{ __(
						'Quotas limit usage for guests, users or roles when a balance is not enough.',
						'aipkit-usage'
					) }
				</p>
				<NoRuleSetting
					value={ data.no_quota_rule }
					modules={ data.modules_without_rule || [] }
					onSaved={ load }
				/>
				{ data.rules.length === 0 ? (
					<EmptyState
						id="quotas"
						title={ __( 'No quota rules', 'aipkit-usage' ) }
					>
						<p>
							{ __(
								'No module has a quota yet. Add a quota to limit guests, users or roles per day, week or month.',
								'aipkit-usage'
							) }
						</p>
					</EmptyState>
				) : (
					<DataTable
						columns={ columns }
						rows={ data.rules }
						rowKey={ ( r ) => r.id }
					/>
				) }
			</CardBody>
			{ editing && (
				<EditModal
					item={ editing }
					editTitle={ __( 'Edit quota', 'aipkit-usage' ) }
					newTitle={ __( 'New quota', 'aipkit-usage' ) }
					onClose={ () => setEditing( null ) }
				>
					<QuotaForm
						initial={ editing }
						bots={ data.bots }
						roles={ data.roles }
						onCancel={ () => setEditing( null ) }
						onSaved={ () => {
							setEditing( null );
							load();
						} }
					/>
				</EditModal>
			) }
			{ deleting && (
				<ConfirmDialog
					title={ __( 'Delete this quota rule?', 'aipkit-usage' ) }
					message={ __(
						'Without a rule the scope falls back to the module rule, or to the "When no quota rule applies" choice.',
						'aipkit-usage'
					) }
					confirmLabel={ __( 'Delete quota', 'aipkit-usage' ) }
					onConfirm={ () =>
						api( `/quotas/${ deleting.id }`, {
							method: 'DELETE',
						} ).then(
							() => {
								setDeleting( null );
								load();
							},
							( e ) => {
								setDeleting( null );
								setDeleteError( e.message );
							}
						)
					}
					onCancel={ () => setDeleting( null ) }
				/>
			) }
		</Card>
	);
}
