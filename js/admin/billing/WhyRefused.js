import {
	Button,
	Modal,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import useRestResource from '../api/useRestResource';
import { credits, MODULES, qs } from './api';

const COUNTS = [
	[ 'input_tokens', __( 'Input tokens', 'aipkit-usage' ) ],
	[ 'output_tokens', __( 'Output tokens', 'aipkit-usage' ) ],
	[ 'images', __( 'Images', 'aipkit-usage' ) ],
	[ 'videos', __( 'Videos', 'aipkit-usage' ) ],
];

/**
 * The request the form describes, as query arguments (empty counts left out: the server then judges
 * the user's last refusal at its own estimate).
 *
 * @param {Object} f Form values.
 * @return {Object} Query arguments.
 */
function toQuery( f ) {
	const q = {
		module: f.module,
		bot_id: f.bot_id,
		usage_type: f.usage_type,
		provider: f.provider,
		model: f.model,
	};
	COUNTS.forEach( ( [ k ] ) => {
		if ( /^\d+$/.test( f[ k ] || '' ) && Number( f[ k ] ) > 0 ) {
			q[ k ] = f[ k ];
		}
	} );
	return q;
}

function Figure( { label, children } ) {
	return (
		<div className="aipkit-why__figure">
			<dt>{ label }</dt>
			<dd>{ children }</dd>
		</div>
	);
}

function Answer( { d } ) {
	const q = d.quota;
	return (
		<div className="aipkit-why__answer" aria-live="polite">
			<h3>{ __( 'Admission decision', 'aipkit-usage' ) }</h3>
			{ d.decision ? (
				<p
					className={
						d.decision.admitted
							? 'aipkit-why__decision aipkit-why__decision--admitted'
							: 'aipkit-why__decision aipkit-why__decision--refused'
					}
				>
					<strong>
						{ d.decision.admitted
							? __( 'Admitted', 'aipkit-usage' )
							: sprintf(
									/* translators: %s: reason code */
									__( 'Refused: %s', 'aipkit-usage' ),
									d.decision.reason
								) }
					</strong>
				</p>
			) : (
				<p>
					{ __(
						'No estimate yet: enter the provider and model (and counts) of the request.',
						'aipkit-usage'
					) }
				</p>
			) }
			{ d.reasons.length > 0 && (
				<ul className="aipkit-why__reasons">
					{ d.reasons.map( ( r ) => (
						<li key={ r }>{ r }</li>
					) ) }
				</ul>
			) }
			<dl className="aipkit-why__figures">
				<Figure label={ __( 'Available balance', 'aipkit-usage' ) }>
					{ credits( d.balance.available ) }
				</Figure>
				<Figure label={ __( 'Held', 'aipkit-usage' ) }>
					{ credits( d.balance.held ) }
				</Figure>
				<Figure label={ __( 'Estimate', 'aipkit-usage' ) }>
					{ d.estimate === null ? '—' : credits( d.estimate ) }
					{ d.estimate_from === 'last_refusal' &&
						` (${ __( 'of the last refusal', 'aipkit-usage' ) })` }
				</Figure>
				<Figure label={ __( 'Pricing rule', 'aipkit-usage' ) }>
					{ d.rule
						? sprintf(
								/* translators: 1: rule id, 2: usage type, 3: provider, 4: model, 5: method */
								__(
									'#%1$d %2$s · %3$s / %4$s · %5$s',
									'aipkit-usage'
								),
								d.rule.id,
								d.rule.usage_type,
								d.rule.provider,
								d.rule.model,
								d.rule.method
							)
						: __(
								'None matches (raw usage units)',
								'aipkit-usage'
							) }
				</Figure>
			</dl>
			<h3>{ __( 'Quota', 'aipkit-usage' ) }</h3>
			<table className="widefat striped aipkit-why__quota">
				<thead>
					<tr>
						<th scope="col">{ __( 'Scope', 'aipkit-usage' ) }</th>
						<th scope="col">{ __( 'Limit', 'aipkit-usage' ) }</th>
						<th scope="col">{ __( 'Used', 'aipkit-usage' ) }</th>
						<th scope="col">{ __( 'Held', 'aipkit-usage' ) }</th>
						<th scope="col">
							{ __( 'Remaining', 'aipkit-usage' ) }
						</th>
						<th scope="col">
							{ __( 'Next reset', 'aipkit-usage' ) }
						</th>
					</tr>
				</thead>
				<tbody>
					<tr>
						<td>
							{ q.scope }
							{ ! q.has_rule &&
								` (${ __( 'no rule', 'aipkit-usage' ) })` }
						</td>
						<td>
							{ q.limit === null
								? __( 'Unlimited', 'aipkit-usage' )
								: credits( q.limit ) }
						</td>
						<td>{ credits( q.used ) }</td>
						<td>{ credits( q.held ) }</td>
						<td>
							{ q.remaining === null
								? __( 'Unlimited', 'aipkit-usage' )
								: credits( q.remaining ) }
						</td>
						<td>{ q.next_reset_text || '—' }</td>
					</tr>
				</tbody>
			</table>
			<h3>{ __( 'Latest purchases', 'aipkit-usage' ) }</h3>
			{ d.purchases.length === 0 ? (
				<p>
					{ __(
						'No purchase is recorded for this user: if they bought credits, check that the WooCommerce order is completed and linked to this account.',
						'aipkit-usage'
					) }
				</p>
			) : (
				<ul className="aipkit-why__purchases">
					{ d.purchases.map( ( p ) => (
						<li key={ p.id }>
							{ p.kind === 'purchase_reversal'
								? sprintf(
										/* translators: 1: date, 2: credits, 3: order number */
										__(
											'%1$s: refund %2$s credits (order #%3$s)',
											'aipkit-usage'
										),
										p.at_text,
										credits( p.credits ),
										p.order_id ?? '—'
									)
								: sprintf(
										/* translators: 1: date, 2: credits, 3: order number */
										__(
											'%1$s: +%2$s credits (order #%3$s)',
											'aipkit-usage'
										),
										p.at_text,
										credits( p.credits ),
										p.order_id ?? '—'
									) }
						</li>
					) ) }
				</ul>
			) }
			<h3>{ __( 'Last refusals', 'aipkit-usage' ) }</h3>
			{ d.refusals.length === 0 ? (
				<p>
					{ __(
						'No refusal is recorded for this user.',
						'aipkit-usage'
					) }
				</p>
			) : (
				<table className="widefat striped aipkit-why__refusals">
					<thead>
						<tr>
							<th scope="col">
								{ __( 'When', 'aipkit-usage' ) }
							</th>
							<th scope="col">
								{ __( 'Where', 'aipkit-usage' ) }
							</th>
							<th scope="col">
								{ __( 'Model', 'aipkit-usage' ) }
							</th>
							<th scope="col">
								{ __( 'Estimate', 'aipkit-usage' ) }
							</th>
							<th scope="col">
								{ __( 'Balance', 'aipkit-usage' ) }
							</th>
							<th scope="col">
								{ __( 'Quota left', 'aipkit-usage' ) }
							</th>
							<th scope="col">
								{ __( 'Reason', 'aipkit-usage' ) }
							</th>
						</tr>
					</thead>
					<tbody>
						{ d.refusals.map( ( r ) => (
							<tr key={ r.id }>
								<td>{ r.at_text }</td>
								<td>
									{ r.bot_id
										? `${ r.module }:${ r.bot_id }`
										: r.module }
								</td>
								<td>{ `${ r.provider } / ${ r.model }` }</td>
								<td>{ credits( r.estimate ) }</td>
								<td>{ credits( r.balance_available ) }</td>
								<td>
									{ r.quota
										.map( ( s ) =>
											s.remaining === null
												? __(
														'Unlimited',
														'aipkit-usage'
													)
												: credits( s.remaining )
										)
										.join( ', ' ) || '—' }
								</td>
								<td>
									{ r.reason }
									{ r.message ? ` — ${ r.message }` : '' }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			) }
		</div>
	);
}

/**
 * Balances > "Why was this refused?" for one user: pick the module, bot and model (prefilled from the
 * user's last refusal) and see balance, held credits, the quota scope, the matching rule and
 * estimate, the admission decision with its reason, and the last refusals. Read-only.
 *
 * @param {Object}   props
 * @param {Object}   props.user    The Balances row ({user_id, name}).
 * @param {Function} props.onClose Closes the dialog.
 */
export default function WhyRefused( { user, onClose } ) {
	const [ form, setForm ] = useState( null );
	const why = `/balances/${ user.user_id }/why`;
	// Each answer names the request it judged: the form shows it, keeping the counts typed so far.
	const { data, error, busy, load } = useRestResource( why, {
		onData: ( d ) =>
			setForm( ( old ) => ( {
				input_tokens: '',
				output_tokens: '',
				images: '',
				videos: '',
				...old,
				module: d.module,
				bot_id: d.bot_id,
				usage_type: d.usage_type,
				provider: d.provider,
				model: d.model,
			} ) ),
	} );
	const check = ( query ) => load( why + qs( query ) );

	const set = ( key ) => ( v ) =>
		setForm( ( old ) => ( { ...old, [ key ]: v } ) );

	return (
		<Modal
			title={ sprintf(
				/* translators: %s: user name */
				__( 'Why was this refused? — %s', 'aipkit-usage' ),
				user.name
			) }
			onRequestClose={ onClose }
			className="aipkit-why"
			style={ { maxWidth: 900 } }
		>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					<span role="alert">{ error }</span>
				</Notice>
			) }
			{ ! form && ! error && <Spinner /> }
			{ form && (
				<form
					className="aipkit-why__form"
					onSubmit={ ( e ) => {
						e.preventDefault();
						check( toQuery( form ) );
					} }
					style={ {
						display: 'grid',
						gridTemplateColumns:
							'repeat(auto-fill, minmax(11rem, 1fr))',
						gap: '0 12px',
						alignItems: 'end',
					} }
				>
					<SelectControl
						label={ __( 'Module', 'aipkit-usage' ) }
						value={ form.module }
						options={
							MODULES.some( ( m ) => m.value === form.module )
								? MODULES
								: [
										...MODULES,
										{
											value: form.module,
											label: form.module,
										},
									]
						}
						onChange={ set( 'module' ) }
					/>
					<TextControl
						label={ __( 'Bot or form ID', 'aipkit-usage' ) }
						value={ form.bot_id }
						onChange={ set( 'bot_id' ) }
					/>
					<TextControl
						label={ __( 'Usage type', 'aipkit-usage' ) }
						value={ form.usage_type }
						onChange={ set( 'usage_type' ) }
					/>
					<TextControl
						label={ __( 'Provider', 'aipkit-usage' ) }
						value={ form.provider }
						onChange={ set( 'provider' ) }
					/>
					<TextControl
						label={ __( 'Model', 'aipkit-usage' ) }
						value={ form.model }
						onChange={ set( 'model' ) }
					/>
					{ COUNTS.map( ( [ k, label ] ) => (
						<TextControl
							key={ k }
							label={ label }
							type="number"
							min="0"
							value={ form[ k ] }
							onChange={ set( k ) }
						/>
					) ) }
					<div style={ { marginBottom: 8 } }>
						<Button
							variant="primary"
							type="submit"
							isBusy={ busy }
							__experimentalIsFocusable
						>
							{ __( 'Check', 'aipkit-usage' ) }
						</Button>
					</div>
				</form>
			) }
			{ data && <Answer d={ data } /> }
		</Modal>
	);
}
