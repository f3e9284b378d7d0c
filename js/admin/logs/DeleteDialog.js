import { Button, Modal, Notice, Spinner } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { deleteBatch, fetchCount } from './api';

/**
 * Delete logs matching the active filters: first says how much will go (count endpoint, which also
 * pins the highest id so rows written meanwhile survive), then loops over the batch endpoint with a
 * progress bar until done.
 *
 * @param {Object}   props
 * @param {Object}   props.filters   The active filters when the dialog opened.
 * @param {Function} props.onClose   Closes the dialog.
 * @param {Function} props.onDeleted Called with the number of exchanges deleted.
 */
export default function DeleteDialog( { filters, onClose, onDeleted } ) {
	// The batches must delete exactly what the count described, even if the screen's filters change
	// while the dialog is open (a debounced search landing late): keep the ones it opened with.
	const [ pinned ] = useState( filters );
	const [ count, setCount ] = useState( null );
	const [ error, setError ] = useState( null );
	const [ done, setDone ] = useState( 0 );
	const [ phase, setPhase ] = useState( 'counting' );
	// Closing while deleting first asks; "Stop" ends after the batch in flight (each batch is whole).
	const [ askStop, setAskStop ] = useState( false );
	const cancelled = useRef( false );
	const stopRequested = useRef( false );
	// The Delete button disappears when deleting starts: keep keyboard focus inside the dialog
	// (on the progress line), so Escape still reaches it and a screen reader hears the progress.
	const progressRef = useRef( null );
	useEffect( () => {
		if ( phase === 'deleting' && progressRef.current ) {
			progressRef.current.focus();
		}
	}, [ phase ] );

	useEffect( () => {
		fetchCount( pinned ).then(
			( c ) => {
				setCount( c );
				setPhase( 'confirm' );
			},
			( e ) => setError( e.message )
		);
		return () => {
			cancelled.current = true;
		};
	}, [ pinned ] );

	const run = async () => {
		setPhase( 'deleting' );
		let after = 0;
		let total = 0;
		try {
			for (;;) {
				if ( cancelled.current ) {
					return;
				}
				if ( stopRequested.current ) {
					setAskStop( false );
					setPhase( 'stopped' );
					onDeleted( total, true );
					return;
				}
				const r = await deleteBatch( pinned, count.max_id, after );
				total += r.deleted;
				after = r.last_id;
				setDone( total );
				if ( r.done ) {
					break;
				}
			}
			setPhase( 'finished' );
			onDeleted( total );
		} catch ( e ) {
			setError( e.message );
			setPhase( 'confirm' );
		}
	};

	const requestClose = () => {
		if ( phase === 'deleting' ) {
			setAskStop( true );
			return;
		}
		onClose();
	};

	return (
		<Modal
			title={ __( 'Delete logs', 'aipkit-usage' ) }
			onRequestClose={ requestClose }
			className="aipkit-logs-delete"
		>
			{ askStop && phase === 'deleting' && (
				<div
					className="aipkit-logs-delete__ask-stop"
					role="alertdialog"
					aria-label={ __( 'Stop deleting?', 'aipkit-usage' ) }
				>
					<p>
						<strong>
							{ __( 'Stop deleting?', 'aipkit-usage' ) }
						</strong>{ ' ' }
						{ sprintf(
							/* translators: 1: exchanges deleted so far, 2: exchanges to delete */
							__(
								'%1$d of %2$d exchanges are deleted so far. If you stop, the deleted ones stay deleted and the rest are kept.',
								'aipkit-usage'
							),
							done,
							count.exchanges
						) }
					</p>
					<Button
						variant="primary"
						onClick={ () => setAskStop( false ) }
					>
						{ __( 'Keep deleting', 'aipkit-usage' ) }
					</Button>{ ' ' }
					<Button
						variant="secondary"
						isDestructive
						onClick={ () => {
							stopRequested.current = true;
						} }
					>
						{ __( 'Stop', 'aipkit-usage' ) }
					</Button>
				</div>
			) }
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ phase === 'counting' && ! error && <Spinner /> }
			{ count && phase === 'confirm' && (
				<>
					<p className="aipkit-logs-delete__summary">
						{ count.exchanges === 0
							? __(
									'No logs match the active filters.',
									'aipkit-usage'
								)
							: sprintf(
									/* translators: 1: "N exchanges", 2: "M conversations" */
									__(
										'This permanently deletes %1$s in %2$s matching the active filters.',
										'aipkit-usage'
									),
									sprintf(
										/* translators: %d: number of exchanges */
										_n(
											'%d exchange',
											'%d exchanges',
											count.exchanges,
											'aipkit-usage'
										),
										count.exchanges
									),
									sprintf(
										/* translators: %d: number of conversations */
										_n(
											'%d conversation',
											'%d conversations',
											count.conversations,
											'aipkit-usage'
										),
										count.conversations
									)
								) }
					</p>
					<Button variant="secondary" onClick={ onClose }>
						{ __( 'Cancel', 'aipkit-usage' ) }
					</Button>{ ' ' }
					{ count.exchanges > 0 && (
						<Button variant="primary" isDestructive onClick={ run }>
							{ __( 'Delete logs', 'aipkit-usage' ) }
						</Button>
					) }
				</>
			) }
			{ phase === 'stopped' && (
				<>
					<p className="aipkit-logs-delete__stopped" role="status">
						{ sprintf(
							/* translators: 1: exchanges deleted, 2: exchanges that matched, 3: exchanges kept */
							__(
								'Stopped. %1$d of %2$d matching exchanges were deleted; %3$d were kept.',
								'aipkit-usage'
							),
							done,
							count.exchanges,
							count.exchanges - done
						) }
					</p>
					<Button variant="primary" onClick={ onClose }>
						{ __( 'Close', 'aipkit-usage' ) }
					</Button>
				</>
			) }
			{ ( phase === 'deleting' || phase === 'finished' ) && (
				<>
					<progress
						max={ count.exchanges || 1 }
						value={ done }
						className="aipkit-logs-delete__progress"
					/>
					<p
						className="aipkit-logs-delete__progress-text"
						ref={ progressRef }
						tabIndex={ -1 }
						aria-live="polite"
					>
						{ sprintf(
							/* translators: 1: exchanges deleted so far, 2: exchanges to delete */
							__(
								'Deleted %1$d of %2$d exchanges.',
								'aipkit-usage'
							),
							done,
							count.exchanges
						) }
					</p>
					{ phase === 'finished' && (
						<Button variant="primary" onClick={ onClose }>
							{ __( 'Close', 'aipkit-usage' ) }
						</Button>
					) }
				</>
			) }
		</Modal>
	);
}
