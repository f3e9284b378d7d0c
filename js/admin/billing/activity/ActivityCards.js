import { Card, CardBody, Notice } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { credits } from '../api';

/**
 * The money cards of the filtered entries. Added − Removed − Debited is the net change of the
 * balances the entries touched, so every balance change in the range is accounted for.
 *
 * @param {Object} props
 * @param {Object} props.cards The server's sums (decimal strings, counts).
 * @param {string} props.scope What the figures cover ("Last 30 days · Bob · Usage").
 */
export default function ActivityCards( { cards, scope } ) {
	const items = [
		[
			'credits_added',
			__( 'Credits Added', 'aipkit-usage' ),
			__(
				'Sum of every entry that raised a balance: purchases and admin additions.',
				'aipkit-usage'
			),
			credits( cards.credits_added ),
		],
		[
			'credits_removed',
			__( 'Credits Removed', 'aipkit-usage' ),
			__(
				'Sum of admin reductions and purchase reversals.',
				'aipkit-usage'
			),
			credits( cards.credits_removed ),
		],
		[
			'balance_debited',
			__( 'Balance Debited', 'aipkit-usage' ),
			__(
				'Sum of the credits usage took from balances.',
				'aipkit-usage'
			),
			credits( cards.balance_debited ),
		],
		[
			'quota_only_usage',
			__( 'Quota-Only Usage', 'aipkit-usage' ),
			__(
				'Usage counted against a quota without taking credits (number of requests in brackets).',
				'aipkit-usage'
			),
			`${ credits( cards.quota_only_usage ) } (${ cards.quota_only_entries })`,
		],
		[
			'ledger_entries',
			__( 'Ledger Entries', 'aipkit-usage' ),
			__( 'Number of entries listed below.', 'aipkit-usage' ),
			String( cards.ledger_entries ),
		],
	];
	return (
		<section
			className="aipkit-activity-cards"
			aria-label={ __( 'Totals', 'aipkit-usage' ) }
		>
			<p
				className="aipkit-activity-cards__scope"
				data-testid="cards-scope"
			>
				{ scope }
			</p>
			<div className="aipkit-activity-cards__grid">
				{ items.map( ( [ key, title, help, value ] ) => (
					<Card key={ key } size="small" data-card={ key }>
						<CardBody>
							<div className="aipkit-activity-card__title">
								{ title }
							</div>
							<div
								className="aipkit-activity-card__value"
								data-testid={ `card-${ key }` }
							>
								{ value }
							</div>
							<div className="aipkit-activity-card__help">
								{ help }
							</div>
						</CardBody>
					</Card>
				) ) }
			</div>
			{ cards.uncovered !== '0.000000' && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'Uncovered usage (cost above what the hold, balance and quota could cover):',
						'aipkit-usage'
					) }{ ' ' }
					{ credits( cards.uncovered ) }
				</Notice>
			) }
		</section>
	);
}
