import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	Spinner,
} from '@wordpress/components';
import { useCallback, useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import ConfirmDialog from '../components/ConfirmDialog';
import DataTable from '../components/DataTable';
import EditModal from '../components/EditModal';
import EmptyState from '../components/EmptyState';
import RowActions from '../components/RowActions';
import { api, credits, METHOD_LABELS, USAGE_TYPES, useUsageTypes } from './api';
import RuleForm, { EMPTY_RULE } from './pricing/RuleForm';
import UnruledModels from './pricing/UnruledModels';

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
	// Methods per usage type come from the core (null while it loads).
	const usageTypes = useUsageTypes();
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
					onClick={ () => setEditing( { ...EMPTY_RULE } ) }
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
				<UnruledModels
					version={ rules }
					onCreate={ ( m ) => {
						const type = ( usageTypes || [] ).find(
							( t ) => t.value === m.usage_type
						);
						setEditing( {
							...EMPTY_RULE,
							...m,
							usage_type: type
								? m.usage_type
								: EMPTY_RULE.usage_type,
							method:
								type && type.methods.length
									? type.methods[ 0 ]
									: EMPTY_RULE.method,
						} );
					} }
				/>
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
