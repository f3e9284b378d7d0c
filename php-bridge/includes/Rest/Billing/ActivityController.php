<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\ActivityExport;
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
			'from'    => self::string_arg(
				10,
				[
					'default' => '',
					'pattern' => '^(\\d{4}-\\d{2}-\\d{2})?$',
				]
			),
			'to'      => self::string_arg(
				10,
				[
					'default' => '',
					'pattern' => '^(\\d{4}-\\d{2}-\\d{2})?$',
				]
			),
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

	/** @return array kind and user_id as the list, the cards and the export all apply them */
	private static function filters( WP_REST_Request $r ): array {
		return [
			'kind'    => (string) $r['kind'],
			'user_id' => (int) $r['user_id'],
		];
	}

	public function index( WP_REST_Request $r ) {
		$range = Activity::range( (string) $r['range'], (string) $r['from'], (string) $r['to'] );
		if ( is_wp_error( $range ) ) {
			return $range;
		}
		$filters = self::filters( $r );
		$out     = [
			'range'   => $range + [
				'from_ts' => strtotime( $range['from'] . ' UTC' ),
				'to_ts'   => strtotime( $range['to'] . ' UTC' ),
			],
			'entries' => Activity::entries( $range, $filters + [ 'before' => (string) $r['before'] ] ),
		];
		if ( '' === (string) $r['before'] ) {
			$agg           = Activity::aggregate( $range, $filters );
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
		return new \WP_REST_Response( new ActivityExport( $range, self::filters( $r ) ), 200 );
	}

	/** Streams the CSV instead of JSON-encoding a response. */
	public function serve_csv( $served, $result, $request, $server ) {
		if ( $served || ! ( $result instanceof \WP_REST_Response ) || ! ( $result->get_data() instanceof ActivityExport ) ) {
			return $served;
		}
		$result->get_data()->send();
		return true;
	}
}
