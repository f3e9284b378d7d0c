<?php
namespace AipkitUsage\Logs;

/** A validated export waiting to be streamed to the client. */
final class ExportStream {
	/** @var Filters */
	public $filters;

	public function __construct( Filters $filters ) {
		$this->filters = $filters;
	}

	/** Sends headers and the CSV, flushing after each page. */
	public function send(): void {
		if ( function_exists( 'set_time_limit' ) ) {
			set_time_limit( 0 );
		}
		while ( ob_get_level() > 0 ) {
			ob_end_clean();
		}
		$name = CsvExporter::filename( $this->filters->now );
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="' . $name . '"' );
		header( 'X-Content-Type-Options: nosniff' );
		header( 'Cache-Control: no-store' );
		$result = CsvExporter::stream(
			$this->filters,
			static function ( string $bytes ) {
				echo $bytes; // phpcs:ignore -- CSV bytes built and neutralised by the core
				flush();
			}
		);
		if ( is_wp_error( $result ) ) {
			// Headers are gone: say so in the file rather than end it silently.
			echo "\r\n# export interrupted: " . esc_html( $result->get_error_message() ) . "\r\n";
		}
	}
}
