<?php
namespace AipkitUsage\Billing;

/** A validated Activity export waiting to be streamed to the client (see Rest\Billing\ActivityController). */
final class ActivityExport {
	/** @var array{from:string,to:string} */
	private array $range;

	/** @var array kind, user_id */
	private array $filters;

	public function __construct( array $range, array $filters ) {
		$this->range   = $range;
		$this->filters = $filters;
	}

	public function filename(): string {
		return 'aipkit-ledger-' . wp_date( 'Y-m-d' ) . '.csv';
	}

	/**
	 * Writes the CSV page by page through $write.
	 *
	 * @return true|\WP_Error
	 */
	public function stream( callable $write ) {
		return Activity::csv( $this->range, $this->filters, $write );
	}

	/** Sends headers and the CSV, flushing after each page. */
	public function send(): void {
		if ( function_exists( 'set_time_limit' ) ) {
			set_time_limit( 0 );
		}
		while ( ob_get_level() > 0 ) {
			ob_end_clean();
		}
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="' . $this->filename() . '"' );
		header( 'X-Content-Type-Options: nosniff' );
		header( 'Cache-Control: no-store' );
		$result = $this->stream(
			static function ( string $bytes ) {
				echo $bytes; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- CSV built and neutralised by the core.
				flush();
			}
		);
		if ( is_wp_error( $result ) ) {
			// Headers are gone: say so in the file rather than end it silently.
			echo "\r\n# export interrupted: " . esc_html( $result->get_error_message() ) . "\r\n";
		}
	}
}
