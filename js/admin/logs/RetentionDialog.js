import {
	Button,
	Modal,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { fetchRetention, saveRetention } from './api';
import { formatSiteIso } from '../components/time';

/**
 * The last purge in one sentence: when, how many rows, and whether it is still working through batches.
 *
 * @param {Object}  status          The retention status from the server.
 * @param {string}  status.last_run When the last purge ran (ISO date).
 * @param {number}  status.removed  Rows it removed.
 * @param {boolean} status.finished False while later batches are still to run.
 * @return {string} The sentence.
 */
function purgeSummary( { last_run: lastRun, removed, finished } ) {
	const when = formatSiteIso( lastRun );
	return finished
		? sprintf(
				/* translators: 1: date and time of the last purge, 2: number of rows removed */
				_n(
					'Last purge: %1$s, %2$d row removed.',
					'Last purge: %1$s, %2$d rows removed.',
					removed,
					'aipkit-usage'
				),
				when,
				removed
			)
		: sprintf(
				/* translators: 1: date and time of the last purge, 2: number of rows removed so far */
				_n(
					'Last purge: %1$s, %2$d row removed (still running in batches).',
					'Last purge: %1$s, %2$d rows removed (still running in batches).',
					removed,
					'aipkit-usage'
				),
				when,
				removed
			);
}

/**
 * Set retention: Auto-delete logs on/off, Delete logs older than N days, and the last purge.
 *
 * @param {Object}   props
 * @param {Function} props.onClose Closes the dialog.
 */
export default function RetentionDialog( { onClose } ) {
	const [ state, setState ] = useState( null );
	const [ enabled, setEnabled ] = useState( false );
	const [ choice, setChoice ] = useState( '90' );
	const [ custom, setCustom ] = useState( '' );
	const [ error, setError ] = useState( null );
	const [ saved, setSaved ] = useState( false );

	const load = ( s ) => {
		setState( s );
		setEnabled( s.settings.enabled );
		const d = String( s.settings.days );
		if ( s.presets.map( String ).includes( d ) ) {
			setChoice( d );
		} else {
			setChoice( 'custom' );
			setCustom( d );
		}
	};

	useEffect( () => {
		fetchRetention().then( load, ( e ) => setError( e.message ) );
	}, [] );

	const save = () => {
		const days = choice === 'custom' ? custom.trim() : choice;
		if (
			! /^\d+$/.test( days ) ||
			Number( days ) < 1 ||
			Number( days ) > state.max_days
		) {
			setError(
				sprintf(
					/* translators: %d: the largest number of days allowed */
					__(
						'Enter a whole number of days from 1 to %d.',
						'aipkit-usage'
					),
					state.max_days
				)
			);
			return;
		}
		setError( null );
		saveRetention( enabled, Number( days ) ).then(
			( s ) => {
				load( s );
				setSaved( true );
			},
			( e ) => setError( e.message )
		);
	};

	return (
		<Modal
			title={ __( 'Set retention', 'aipkit-usage' ) }
			onRequestClose={ onClose }
			className="aipkit-logs-retention"
		>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ saved && (
				<Notice status="success" isDismissible={ false }>
					{ __( 'Retention saved.', 'aipkit-usage' ) }
				</Notice>
			) }
			{ ! state && ! error && <Spinner /> }
			{ state && (
				<>
					<ToggleControl
						label={ __( 'Auto-delete logs', 'aipkit-usage' ) }
						checked={ enabled }
						onChange={ setEnabled }
					/>
					<SelectControl
						label={ __( 'Delete logs older than', 'aipkit-usage' ) }
						value={ choice }
						onChange={ setChoice }
						options={ [
							...state.presets.map( ( d ) => ( {
								value: String( d ),
								label: sprintf(
									/* translators: %d: number of days */
									__( '%d days', 'aipkit-usage' ),
									d
								),
							} ) ),
							{
								value: 'custom',
								label: __( 'Custom…', 'aipkit-usage' ),
							},
						] }
					/>
					{ choice === 'custom' && (
						<TextControl
							label={ __( 'Number of days', 'aipkit-usage' ) }
							type="number"
							min={ 1 }
							max={ state.max_days }
							value={ custom }
							onChange={ setCustom }
						/>
					) }
					<p className="aipkit-logs-retention__status">
						{ state.status.last_run
							? purgeSummary( state.status )
							: __( 'No purge has run yet.', 'aipkit-usage' ) }
					</p>
					<Button variant="primary" onClick={ save }>
						{ __( 'Save', 'aipkit-usage' ) }
					</Button>
				</>
			) }
		</Modal>
	);
}
