import { Button } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { credits } from '../api';

let loading = null;
/** Chart.js, fetched once on first use (a separate chunk of the admin bundle). */
function loadChart() {
	if ( ! loading ) {
		loading = import( /* webpackChunkName: "chart" */ './chart' ).then(
			( m ) => m.default
		);
		loading.catch( () => {
			loading = null;
		} );
	}
	return loading;
}

/** The series the chart and its table show, in order; colours meet WCAG contrast on white. */
export const SERIES = [
	{
		key: 'added',
		label: __( 'Credits added', 'aipkit-usage' ),
		color: '#2271b1',
	},
	{
		key: 'removed',
		label: __( 'Credits removed', 'aipkit-usage' ),
		color: '#996800',
	},
	{
		key: 'debited',
		label: __( 'Balance debited', 'aipkit-usage' ),
		color: '#b32d2e',
	},
	{
		key: 'quota_only',
		label: __( 'Quota-only usage', 'aipkit-usage' ),
		color: '#007017',
	},
];

/**
 * Draws the bars. Chart.js wants numbers; the exact decimals stay in the tooltips and the table.
 *
 * @param {Function} Chart  The Chart.js constructor.
 * @param {Element}  canvas Where to draw.
 * @param {Object[]} series The days.
 * @return {Object} The chart (destroy() it before drawing again).
 */
function draw( Chart, canvas, series ) {
	return new Chart( canvas, {
		type: 'bar',
		data: {
			labels: series.map( ( d ) => d.day ),
			datasets: SERIES.map( ( s ) => ( {
				label: s.label,
				data: series.map( ( d ) => Number( d[ s.key ] ) ),
				exact: series.map( ( d ) => credits( d[ s.key ] ) ),
				backgroundColor: s.color,
			} ) ),
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			interaction: { mode: 'index', intersect: false },
			scales: {
				x: {
					title: {
						display: true,
						text: __( 'Day (site time)', 'aipkit-usage' ),
					},
					ticks: { autoSkip: true, maxRotation: 0 },
				},
				y: {
					beginAtZero: true,
					title: {
						display: true,
						text: __( 'Credits', 'aipkit-usage' ),
					},
				},
			},
			plugins: {
				legend: { position: 'bottom' },
				tooltip: {
					callbacks: {
						label: ( ctx ) =>
							`${ ctx.dataset.label }: ${ ctx.dataset.exact[ ctx.dataIndex ] }`,
						footer: ( items ) =>
							items.length
								? sprintf(
										/* translators: %d: number of ledger entries */
										__( '%d entries', 'aipkit-usage' ),
										series[ items[ 0 ].dataIndex ].entries
									)
								: '',
					},
				},
			},
		},
	} );
}

/**
 * Per-day bars for every day of the range (zeros included), dated axis, values on the axis and in
 * tooltips; the same numbers as a table for screen readers and keyboard users.
 *
 * @param {Object}   props
 * @param {Object[]} props.series One object per local day: day, added, removed, debited, quota_only, entries.
 */
export default function ActivityChart( { series } ) {
	const canvas = useRef();
	const chart = useRef();
	const [ asTable, setAsTable ] = useState( false );
	const [ failed, setFailed ] = useState( null );

	useEffect( () => {
		if ( asTable || ! canvas.current ) {
			return undefined;
		}
		let live = true;
		loadChart().then(
			( Chart ) => {
				if ( live && canvas.current ) {
					chart.current = draw( Chart, canvas.current, series );
				}
			},
			( e ) => live && setFailed( e.message || String( e ) )
		);
		return () => {
			live = false;
			if ( chart.current ) {
				chart.current.destroy();
				chart.current = null;
			}
		};
	}, [ series, asTable ] );

	const totalDays = series.length;
	const busy = series.filter( ( d ) => d.entries > 0 ).length;
	return (
		<figure className="aipkit-activity-chart">
			<figcaption className="aipkit-activity-chart__caption">
				<span>
					{ sprintf(
						/* translators: 1: number of days, 2: days with entries */
						__(
							'Credits per day: %1$d days, %2$d with entries.',
							'aipkit-usage'
						),
						totalDays,
						busy
					) }
				</span>
				<Button
					variant="link"
					aria-pressed={ asTable }
					onClick={ () => setAsTable( ! asTable ) }
				>
					{ asTable
						? __( 'Show as chart', 'aipkit-usage' )
						: __( 'Show as table', 'aipkit-usage' ) }
				</Button>
			</figcaption>
			{ failed && ! asTable && (
				<p className="aipkit-activity-chart__error">
					{ sprintf(
						/* translators: %s: error message */
						__(
							'The chart could not be loaded (%s); the table shows the same figures.',
							'aipkit-usage'
						),
						failed
					) }
				</p>
			) }
			{ asTable ? (
				<div className="aipkit-activity-chart__table" tabIndex="0">
					<table
						className="widefat striped"
						data-testid="activity-chart-table"
					>
						<caption className="screen-reader-text">
							{ __( 'Credits per day', 'aipkit-usage' ) }
						</caption>
						<thead>
							<tr>
								<th scope="col">
									{ __( 'Day', 'aipkit-usage' ) }
								</th>
								{ SERIES.map( ( s ) => (
									<th scope="col" key={ s.key }>
										{ s.label }
									</th>
								) ) }
								<th scope="col">
									{ __( 'Entries', 'aipkit-usage' ) }
								</th>
							</tr>
						</thead>
						<tbody>
							{ series.map( ( d ) => (
								<tr key={ d.day }>
									<th scope="row">{ d.day }</th>
									{ SERIES.map( ( s ) => (
										<td key={ s.key }>
											{ credits( d[ s.key ] ) }
										</td>
									) ) }
									<td>{ d.entries }</td>
								</tr>
							) ) }
						</tbody>
					</table>
				</div>
			) : (
				<div className="aipkit-activity-chart__canvas">
					<canvas
						ref={ canvas }
						role="img"
						data-testid="activity-chart"
						data-days={ totalDays }
						aria-label={ sprintf(
							/* translators: 1: first day, 2: last day */
							__(
								'Bar chart of credits added, removed, debited and quota-only usage per day from %1$s to %2$s. Use "Show as table" for the figures.',
								'aipkit-usage'
							),
							series[ 0 ]?.day || '',
							series[ series.length - 1 ]?.day || ''
						) }
					/>
				</div>
			) }
		</figure>
	);
}
