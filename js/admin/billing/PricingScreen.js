import {
	Button,
	Card,
	CardBody,
	CardHeader,
	ComboboxControl,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { useCallback, useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { loadCore } from '../wasm';
import Breakdown from '../components/Breakdown';
import ConfirmDialog from '../components/ConfirmDialog';
import DataTable from '../components/DataTable';
import EditModal from '../components/EditModal';
import EmptyState from '../components/EmptyState';
import RowActions from '../components/RowActions';
import { api, credits, METHOD_LABELS, USAGE_TYPES, useUsageTypes } from './api';
import PricingModelsHint from './PricingModelsHint';

const EMPTY = {
	usage_type: 'chat',
	provider: '',
	model: '',
	method: 'per_1k_tokens',
	input_rate: '',
	output_rate: '',
	unit_rate: '',
	enabled: true,
};

/**
 * A sample usage for the live preview, matching the usage type.
 *
 * @param {Object} rule The pricing rule being edited.
 * @return {Object} A usage the core can quote against that rule.
 */
function sampleUsage( rule ) {
	const base = {
		usage_type: rule.usage_type,
		provider: rule.provider,
		model: rule.model === '*' ? 'any-model' : rule.model,
		input_tokens: 0,
		output_tokens: 0,
		images: 0,
		videos: 0,
	};
	if ( rule.usage_type === 'chat' || rule.usage_type === 'form_submit' ) {
		return { ...base, input_tokens: 800, output_tokens: 300 };
	}
	if ( rule.usage_type === 'video_generate' ) {
		return { ...base, videos: 1 };
	}
	return { ...base, images: 1 };
}

function usePreview( rule ) {
	const [ state, setState ] = useState( {} );
	useEffect( () => {
		let live = true;
		if ( ! rule.provider || ! rule.model ) {
			setState( {} );
			return undefined;
		}
		( async () => {
			try {
				const core = await loadCore();
				const r = { ...rule };
				[ 'input_rate', 'output_rate', 'unit_rate' ].forEach( ( k ) => {
					if ( r[ k ] === '' ) {
						r[ k ] = null;
					}
				} );
				delete r.enabled;
				// call() takes the contract's request shapes exactly (validate_rule wraps the rule in {rule}).
				const { rule: valid } = core.call( 'validate_rule', {
					rule: r,
				} );
				const quote = core.call( 'quote', {
					rules: [ { id: 0, ...valid } ],
					usage: sampleUsage( valid ),
				} );
				if ( live ) {
					setState( { quote } );
				}
			} catch ( e ) {
				if ( live ) {
					setState( { error: e.message, field: e.field } );
				}
			}
		} )();
		return () => {
			live = false;
		};
	}, [ rule ] );
	return state;
}

function RuleForm( { initial, catalog, onSaved, onCancel } ) {
	const [ rule, setRule ] = useState( initial );
	const [ saving, setSaving ] = useState( false );
	const [ error, setError ] = useState( null );
	const preview = usePreview( rule );
	const types = useUsageTypes();
	if ( ! types ) {
		return <Spinner />;
	}
	const type = types.find( ( t ) => t.value === rule.usage_type ) || {
		methods: [],
	};
	const set = ( k ) => ( v ) => setRule( ( r ) => ( { ...r, [ k ]: v } ) );

	const providerOptions = ( catalog?.providers || [] ).map( ( p ) => ( {
		value: p.provider,
		label: p.label,
	} ) );
	const models =
		( catalog?.providers || [] ).find(
			( p ) => p.provider === rule.provider
		)?.models || [];
	const modelOptions = [
		{
			value: '*',
			label: __( '* (any model of this provider)', 'aipkit-usage' ),
		},
	].concat( models.map( ( m ) => ( { value: m.model, label: m.model } ) ) );
	if (
		rule.model &&
		! modelOptions.some( ( o ) => o.value === rule.model )
	) {
		modelOptions.push( { value: rule.model, label: rule.model } );
	}

	// The button stays focusable while saving (aria-disabled): a disabled focused button drops focus to
	// <body>, which the Modal reads as "focus outside" and closes itself, hiding any error.
	const save = async ( ev ) => {
		ev.preventDefault();
		if ( saving ) {
			return;
		}
		setSaving( true );
		setError( null );
		try {
			const data = { ...rule };
			const saved = initial.id
				? await api( `/pricing-rules/${ initial.id }`, {
						method: 'PUT',
						data,
					} )
				: await api( '/pricing-rules', { method: 'POST', data } );
			onSaved( saved );
		} catch ( e ) {
			setError( e );
		} finally {
			setSaving( false );
		}
	};

	const rateField = ( key, label ) => (
		<TextControl
			label={ label }
			value={ rule[ key ] ?? '' }
			onChange={ set( key ) }
			inputMode="decimal"
			help={
				error?.field === key
					? error.message
					: __( 'Credits, up to 6 decimals.', 'aipkit-usage' )
			}
			className={ error?.field === key ? 'has-error' : '' }
		/>
	);

	return (
		<form onSubmit={ save } className="aipkit-pricing-form">
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error.message }
				</Notice>
			) }
			<SelectControl
				label={ __( 'Usage type', 'aipkit-usage' ) }
				value={ rule.usage_type }
				options={ types.map( ( t ) => ( {
					value: t.value,
					label: t.label,
				} ) ) }
				onChange={ ( v ) => {
					const methods = types.find(
						( t ) => t.value === v
					).methods;
					setRule( ( r ) => ( {
						...r,
						usage_type: v,
						method: methods.includes( r.method )
							? r.method
							: methods[ 0 ],
					} ) );
				} }
			/>
			<ComboboxControl
				label={ __( 'Provider', 'aipkit-usage' ) }
				value={ rule.provider }
				options={ providerOptions }
				onChange={ ( v ) =>
					setRule( ( r ) => ( {
						...r,
						provider: v || '',
						model: '',
					} ) )
				}
				onFilterValueChange={ () => {} }
			/>
			<TextControl
				label={ __( 'Provider (free text)', 'aipkit-usage' ) }
				value={ rule.provider }
				onChange={ set( 'provider' ) }
				help={ __(
					'Pick a provider above or type its name.',
					'aipkit-usage'
				) }
			/>
			<SelectControl
				label={ __( 'Model', 'aipkit-usage' ) }
				value={
					modelOptions.some( ( o ) => o.value === rule.model )
						? rule.model
						: ''
				}
				options={ [
					{
						value: '',
						label: __( '— choose a model —', 'aipkit-usage' ),
					},
				].concat( modelOptions ) }
				onChange={ set( 'model' ) }
			/>
			<TextControl
				label={ __( 'Model (free text)', 'aipkit-usage' ) }
				value={ rule.model }
				onChange={ set( 'model' ) }
				help={
					<PricingModelsHint
						catalog={ catalog }
						provider={ rule.provider }
						onPick={ set( 'model' ) }
					/>
				}
			/>
			<SelectControl
				label={ __( 'Billing method', 'aipkit-usage' ) }
				value={ rule.method }
				options={ type.methods.map( ( m ) => ( {
					value: m,
					label: METHOD_LABELS[ m ],
				} ) ) }
				onChange={ set( 'method' ) }
			/>
			{ rule.method === 'per_1k_tokens' ? (
				<>
					{ rateField(
						'input_rate',
						__(
							'Input rate (credits per 1K input tokens)',
							'aipkit-usage'
						)
					) }
					{ rateField(
						'output_rate',
						__(
							'Output rate (credits per 1K output tokens)',
							'aipkit-usage'
						)
					) }
				</>
			) : (
				rateField(
					'unit_rate',
					rule.method === 'flat'
						? __(
								'Unit rate (credits per request)',
								'aipkit-usage'
							)
						: __( 'Unit rate (credits per unit)', 'aipkit-usage' )
				)
			) }
			<ToggleControl
				label={ __( 'Enabled', 'aipkit-usage' ) }
				checked={ !! rule.enabled }
				onChange={ set( 'enabled' ) }
			/>
			<div
				className="aipkit-pricing-preview"
				data-testid="pricing-preview"
			>
				<h3>{ __( 'Preview of a sample charge', 'aipkit-usage' ) }</h3>
				{ preview.error && (
					<p className="aipkit-pricing-preview__error">
						{ preview.error }
					</p>
				) }
				{ preview.quote && (
					<>
						<Breakdown quote={ preview.quote } />
						<p>
							{ __( 'Sample charge:', 'aipkit-usage' ) }{ ' ' }
							<strong data-testid="pricing-preview-credits">
								{ credits( preview.quote.credits ) }
							</strong>{ ' ' }
							{ __( 'credits', 'aipkit-usage' ) }
						</p>
					</>
				) }
				{ ! preview.quote && ! preview.error && (
					<p>
						{ __(
							'Choose a provider and model and enter the rates to see a sample charge.',
							'aipkit-usage'
						) }
					</p>
				) }
			</div>
			<div style={ { display: 'flex', gap: 8, marginTop: 16 } }>
				<Button
					variant="primary"
					type="submit"
					isBusy={ saving }
					aria-disabled={ saving }
				>
					{ __( 'Save Rule', 'aipkit-usage' ) }
				</Button>
				<Button variant="tertiary" onClick={ onCancel }>
					{ __( 'Cancel', 'aipkit-usage' ) }
				</Button>
			</div>
		</form>
	);
}

function rates( r ) {
	if ( r.method === 'per_1k_tokens' ) {
		return sprintf(
			/* translators: 1: input rate, 2: output rate */ __(
				'%1$s in / %2$s out per 1K',
				'aipkit-usage'
			),
			credits( r.input_rate ),
			credits( r.output_rate )
		);
	}
	return credits( r.unit_rate );
}

export default function PricingScreen() {
	const [ rules, setRules ] = useState( null );
	const [ catalog, setCatalog ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ editing, setEditing ] = useState( null );
	const [ deleting, setDeleting ] = useState( null );
	const [ notice, setNotice ] = useState( null );

	const load = useCallback( () => {
		api( '/pricing-rules' ).then( setRules, setError );
	}, [] );
	useEffect( () => {
		load();
		api( '/models' ).then( setCatalog, () =>
			setCatalog( { providers: [] } )
		);
	}, [ load ] );

	const toggle = async ( r ) => {
		try {
			await api( `/pricing-rules/${ r.id }`, {
				method: 'PUT',
				data: { enabled: ! r.enabled },
			} );
			load();
		} catch ( e ) {
			setNotice( { status: 'error', text: e.message } );
		}
	};
	const remove = async () => {
		try {
			await api( `/pricing-rules/${ deleting.id }`, {
				method: 'DELETE',
			} );
			setNotice( {
				status: 'success',
				text: __(
					'Pricing rule deleted. Past ledger entries keep the rule they were charged with.',
					'aipkit-usage'
				),
			} );
			load();
		} catch ( e ) {
			setNotice( { status: 'error', text: e.message } );
		}
		setDeleting( null );
	};
	const typeLabel = useMemo(
		() =>
			Object.fromEntries(
				USAGE_TYPES.map( ( t ) => [ t.value, t.label ] )
			),
		[]
	);

	const columns = [
		{
			title: __( 'Usage type', 'aipkit-usage' ),
			cell: ( r ) => typeLabel[ r.usage_type ] || r.usage_type,
		},
		{
			title: __( 'Provider & Model', 'aipkit-usage' ),
			cell: ( r ) => (
				<>
					{ r.provider } / { r.model }
				</>
			),
		},
		{
			title: __( 'Billing method', 'aipkit-usage' ),
			cell: ( r ) => METHOD_LABELS[ r.method ],
		},
		{ title: __( 'Rate', 'aipkit-usage' ), cell: rates },
		{
			title: __( 'Status', 'aipkit-usage' ),
			cell: ( r ) =>
				r.enabled
					? __( 'Enabled', 'aipkit-usage' )
					: __( 'Disabled', 'aipkit-usage' ),
		},
		{
			title: __( 'Actions', 'aipkit-usage' ),
			cell: ( r ) => (
				<RowActions
					actions={ [
						{
							label: __( 'Edit', 'aipkit-usage' ),
							onClick: () =>
								setEditing( {
									...r,
									input_rate: r.input_rate ?? '',
									output_rate: r.output_rate ?? '',
									unit_rate: r.unit_rate ?? '',
								} ),
						},
						{
							label: r.enabled
								? __( 'Disable', 'aipkit-usage' )
								: __( 'Enable', 'aipkit-usage' ),
							onClick: () => toggle( r ),
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

	if ( error ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ error.message }
			</Notice>
		);
	}
	if ( rules === null ) {
		return <Spinner />;
	}
	return (
		<Card className="aipkit-pricing">
			<CardHeader>
				<h2 style={ { margin: 0 } }>
					{ __( 'Pricing', 'aipkit-usage' ) }
				</h2>
				<Button
					variant="primary"
					onClick={ () => setEditing( { ...EMPTY } ) }
				>
					{ __( 'New Pricing', 'aipkit-usage' ) }
				</Button>
			</CardHeader>
			<CardBody>
				<p>
					{ __(
						'Pricing rules tell AI Puffer how many credits a model operation should cost. If no rule matches, usage is charged in raw recorded units (tokens, images or videos).',
						'aipkit-usage'
					) }
				</p>
				{ notice && (
					<Notice
						status={ notice.status }
						onRemove={ () => setNotice( null ) }
					>
						{ notice.text }
					</Notice>
				) }
				{ rules.length === 0 ? (
					<EmptyState
						id="pricing"
						title={ __( 'No pricing rules yet', 'aipkit-usage' ) }
					>
						<p>
							{ __(
								'Click New Pricing to create the first rule. Until then every request is charged in raw usage units.',
								'aipkit-usage'
							) }
						</p>
					</EmptyState>
				) : (
					<DataTable
						className="aipkit-pricing-table"
						columns={ columns }
						rows={ rules }
						rowKey={ ( r ) => r.id }
						rowProps={ ( r ) => ( { 'data-rule-id': r.id } ) }
					/>
				) }
			</CardBody>
			{ editing && (
				<EditModal
					item={ editing }
					editTitle={ __( 'Edit pricing rule', 'aipkit-usage' ) }
					newTitle={ __( 'New Pricing', 'aipkit-usage' ) }
					onClose={ () => setEditing( null ) }
					style={ { maxWidth: 640 } }
				>
					<RuleForm
						initial={ editing }
						catalog={ catalog }
						onCancel={ () => setEditing( null ) }
						onSaved={ () => {
							setEditing( null );
							setNotice( {
								status: 'success',
								text: __(
									'Pricing rule saved.',
									'aipkit-usage'
								),
							} );
							load();
						} }
					/>
				</EditModal>
			) }
			{ deleting && (
				<ConfirmDialog
					title={ __( 'Delete this pricing rule?', 'aipkit-usage' ) }
					message={ sprintf(
						/* translators: 1: provider, 2: model */ __(
							'Requests for %1$s / %2$s will fall back to another matching rule or to raw usage units.',
							'aipkit-usage'
						),
						deleting.provider,
						deleting.model
					) }
					confirmLabel={ __( 'Delete rule', 'aipkit-usage' ) }
					onConfirm={ remove }
					onCancel={ () => setDeleting( null ) }
				/>
			) }
		</Card>
	);
}
