<?php
namespace AipkitUsage\Rest\Logs;

use AipkitUsage\Logs\CsvExporter;
use AipkitUsage\Logs\ExportStream;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/**
 * GET aipkit/v1/logs/export: a CSV download, not JSON. The browser opens it as a plain link
 * carrying the REST nonce (`_wpnonce`), so the file streams to disk instead of into memory.
 * The callback validates everything and returns an ExportStream; `rest_pre_serve_request`
 * then writes it page by page and tells the REST server the response is served.
 */
final class ExportController extends Controller {
	public function register(): void {
		parent::register();
		add_filter( 'rest_pre_serve_request', [ self::class, 'serve' ], 10, 4 );
	}

	public function register_routes(): void {
		$this->route(
			'/logs/export',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'export' ],
					'capability' => 'aipkit_export_logs',
				],
			]
		);
	}

	public function export( WP_REST_Request $r ) {
		$f = Filters::from_request( $r->get_query_params() );
		if ( is_wp_error( $f ) ) {
			return $f;
		}
		$ok = CsvExporter::preflight();
		if ( is_wp_error( $ok ) ) {
			return $ok;
		}
		return new \WP_REST_Response( new ExportStream( $f ), 200 );
	}

	/** @param bool $served */
	public static function serve( $served, $result, $request, $server ) {
		if ( $served || ! $result instanceof \WP_REST_Response || ! $result->get_data() instanceof ExportStream ) {
			return $served;
		}
		$result->get_data()->send();
		return true;
	}
}
