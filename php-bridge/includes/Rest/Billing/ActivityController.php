<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\Ledger;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** aipkit/v1/activity: cards, per-day series, keyset-paged ledger list, CSV export. */
final class ActivityController extends Controller {
	public function register_routes(): void {
		$args = [
			'range'   => self::enum_arg( [ '7', '30', '90', 'custom' ], [ 'default' => '30' ] ),
			'from'    => self::string_arg( 10, [ 'default' => '' ] ),
			'to'      => self::string_arg( 10, [ 'default' => '' ] ),
			'kind'    => [
				'type'    => 'string',
				'enum'    => array_merge( [ '' ], Ledger::KINDS ),
				'default' => '',
			],
			'user_id' => self::int_arg( 0, PHP_INT_MAX, [ 'default' => 0 ] ),
			'before'  => self::string_arg( 40, [ 'default' => '' ] ),
		];
		$this->route(
			'/activity',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'index' ],
					'capability' => Capabilities::VIEW_USAGE,
					'args'       => $args,
				],
			]
		);
		$this->route(
			'/activity/export',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'export' ],
					'capability' => Capabilities::VIEW_USAGE,
					'args'       => $args,
				],
			]
		);
		add_filter( 'rest_pre_serve_request', [ $this, 'serve_csv' ], 10, 4 );
	}

	public function index( WP_REST_Request $r ) {
		$range = Activity::range( (string) $r['range'], (string) $r['from'], (string) $r['to'] );
		if ( is_wp_error( $range ) ) {
			return $range;
		}
		$filters = [
			'kind'    => (string) $r['kind'],
			'user_id' => (int) $r['user_id'],
			'before'  => (string) $r['before'],
		];
		$out     = [
			'range'   => $range,
			'entries' => Activity::entries( $range, $filters ),
		];
		if ( '' === (string) $r['before'] ) {
			$agg           = Activity::aggregate( $range );
			$out['cards']  = $agg['cards'];
			$out['series'] = $agg['series'];
		}
		return new \WP_REST_Response( $out );
	}

	public function export( WP_REST_Request $r ) {
		$range = Activity::range( (string) $r['range'], (string) $r['from'], (string) $r['to'] );
		if ( is_wp_error( $range ) ) {
			return $range;
		}
		$buf = fopen( 'php://temp', 'w+' );
		Activity::csv(
			$range,
			[
				'kind'    => (string) $r['kind'],
				'user_id' => (int) $r['user_id'],
			],
			static fn( $s ) => fwrite( $buf, $s )
		);
		rewind( $buf );
		$res = new \WP_REST_Response( stream_get_contents( $buf ) );
		fclose( $buf );
		$res->header( 'Content-Type', 'text/csv; charset=utf-8' );
		$res->header( 'Content-Disposition', 'attachment; filename="aipkit-ledger-' . gmdate( 'Y-m-d' ) . '.csv"' );
		return $res;
	}

	/** Sends the CSV body as is instead of JSON-encoding it. */
	public function serve_csv( $served, $result, $request, $server ) {
		if ( $served || '/aipkit/v1/activity/export' !== $request->get_route() || ! ( $result instanceof \WP_REST_Response ) || $result->is_error() || ! is_string( $result->get_data() ) ) {
			return $served;
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput -- CSV, cells neutralised by the core.
		return true;
	}
}
