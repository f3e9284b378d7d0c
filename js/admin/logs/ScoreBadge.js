import { Button, Popover } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

const BAND_LABEL = {
	strong: __( 'Strong match.', 'aipkit-usage' ),
	useful: __( 'Usually useful.', 'aipkit-usage' ),
	weak: __( 'Weak match. Review the source text.', 'aipkit-usage' ),
	poor: __(
		'Poor match. The answer may be using unrelated context.',
		'aipkit-usage'
	),
};

// Band colours inline (no stylesheet of its own is enqueued): WCAG AA contrast with white text.
const BAND_STYLE = {
	strong: { background: '#00703c', color: '#fff' },
	useful: { background: '#2271b1', color: '#fff' },
	weak: { background: '#8a4b00', color: '#fff' },
	poor: { background: '#b32d2e', color: '#fff' },
};
const BADGE_STYLE = {
	borderRadius: '10px',
	padding: '0 8px',
	height: '22px',
	minHeight: '22px',
	fontWeight: 600,
};

/**
 * The Score badge on an assistant message that used vector context. Bands come from the core
 * (score_band, run server-side); the badge opens every retrieved item. All text renders as text nodes.
 *
 * @param {Object}   props
 * @param {Object}   props.score The message's score: { percent, band }, or null when it used no context.
 * @param {Object[]} props.items The retrieved context items.
 */
export default function ScoreBadge( { score, items } ) {
	const [ open, setOpen ] = useState( false );
	if ( ! score ) {
		return null;
	}
	return (
		<span className="aipkit-logs-score">
			<Button
				className={ `aipkit-logs-score__badge is-${ score.band }` }
				onClick={ () => setOpen( ! open ) }
				aria-expanded={ open }
				label={ sprintf(
					/* translators: 1: match score in percent, 2: what the score band means */
					__( 'Score %1$s%%: %2$s', 'aipkit-usage' ),
					score.percent,
					BAND_LABEL[ score.band ] || ''
				) }
				showTooltip={ false }
				style={ {
					...BADGE_STYLE,
					...( BAND_STYLE[ score.band ] || {} ),
				} }
			>
				{ sprintf(
					/* translators: %s: match score in percent */
					__( 'Score %s%%', 'aipkit-usage' ),
					score.percent
				) }
			</Button>{ ' ' }
			<span className="aipkit-logs-score__band">
				{ BAND_LABEL[ score.band ] || '' }
			</span>
			{ open && (
				<Popover
					position="bottom left"
					onClose={ () => setOpen( false ) }
					className="aipkit-logs-score__popover"
				>
					<div
						className="aipkit-logs-score__items"
						role="dialog"
						aria-label={ __( 'Vector context', 'aipkit-usage' ) }
						style={ {
							width: '420px',
							maxWidth: '90vw',
							maxHeight: '60vh',
							overflowY: 'auto',
							padding: '12px',
							background: '#fff',
						} }
					>
						{ items.map( ( it, i ) => (
							<dl
								key={ i }
								className={ `aipkit-logs-score__item is-${ it.band || 'unknown' }` }
							>
								<dt>{ __( 'Provider', 'aipkit-usage' ) }</dt>
								<dd>{ it.provider }</dd>
								<dt>{ __( 'Source', 'aipkit-usage' ) }</dt>
								<dd>{ it.source }</dd>
								<dt>{ __( 'Score', 'aipkit-usage' ) }</dt>
								<dd>
									{ it.percent !== null
										? `${ it.percent }% — ${ BAND_LABEL[ it.band ] || '' }`
										: it.score }
								</dd>
								<dt>
									{ __( 'Content preview', 'aipkit-usage' ) }
								</dt>
								<dd className="aipkit-logs-score__preview">
									{ it.preview }
								</dd>
							</dl>
						) ) }
					</div>
				</Popover>
			) }
		</span>
	);
}
