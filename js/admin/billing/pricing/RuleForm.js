import {
	Button,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import Combobox from '../../components/Combobox';
import { api, METHOD_LABELS, useUsageTypes } from '../api';
import RulePreview from './RulePreview';
import PricingModelsHint from '../PricingModelsHint';

export const EMPTY_RULE = {
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
 * Create or edit one pricing rule: usage type, provider and model (searchable, free entry),
 * method, rates; the preview prices a sample request as the admin types.
 *
 * @param {Object}   props
 * @param {Object}   props.initial  The rule (with id when editing).
 * @param {Object}   props.catalog  Providers and their models (aipkit/v1/models).
 * @param {Function} props.onSaved  (rule) after a successful save.
 * @param {Function} props.onCancel Closes the form.
 */
export default function RuleForm( { initial, catalog, onSaved, onCancel } ) {
	const [ rule, setRule ] = useState( initial );
	const [ saving, setSaving ] = useState( false );
	const [ error, setError ] = useState( null );
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
		label: p.provider,
		hint: p.label !== p.provider ? p.label : undefined,
	} ) );
	const models =
		( catalog?.providers || [] ).find(
			( p ) => p.provider === rule.provider
		)?.models || [];
	const modelOptions = [
		{
			value: '*',
			label: '*',
			hint: __( 'any model of this provider', 'aipkit-usage' ),
		},
	].concat( models.map( ( m ) => ( { value: m.model, label: m.model } ) ) );

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
			<Combobox
				label={ __( 'Provider', 'aipkit-usage' ) }
				value={ rule.provider }
				options={ providerOptions }
				onChange={ set( 'provider' ) }
				onPick={ ( o ) =>
					setRule( ( r ) => ( {
						...r,
						provider: o.value,
						model: r.provider === o.value ? r.model : '',
					} ) )
				}
				help={ __(
					'Type to search the known providers, or enter any provider name.',
					'aipkit-usage'
				) }
			/>
			<Combobox
				label={ __( 'Model', 'aipkit-usage' ) }
				value={ rule.model }
				options={ modelOptions }
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
			<RulePreview rule={ rule } />
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
