<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Uncovered;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- SQL is composed only of the plugin's own table names (Tables::*), integer id lists (intval) and fragments built by $wpdb->prepare(); every value goes through prepare(). WordPress 6.1 has no %i for identifiers.

defined( 'ABSPATH' ) || exit;

/**
 * aipkit/v1/balances: search users, edit a balance against the value the admin saw, details with
 * periodic usage per scope, reset usage, and history.
 */
final class BalancesController extends Controller {
	public const PER_PAGE = 20;

	public function register_routes(): void {
		$cap = Capabilities::MANAGE_BALANCES;
		$this->route(
			'/balances',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'index' ],
					'capability' => $cap,
					'args'       => [
						'search' => self::string_arg( 100, [ 'default' => '' ] ),
						'page'   => self::int_arg( 1, 100000, [ 'default' => 1 ] ),
					],
				],
			]
		);
		$this->route(
			'/balances/(?P<user_id>\d+)',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'show' ],
					'capability' => $cap,
				],
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'adjust' ],
					'capability' => $cap,
					'args'       => [
						'expected_balance' => [ 'required' => true ],
						'new_balance'      => [ 'required' => true ],
						'reason'           => self::string_arg( 500, [ 'default' => '' ] ),
					],
				],
			]
		);
		$this->route(
			'/balances/(?P<user_id>\d+)/reset',
			[
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'reset' ],
					'capability' => $cap,
					'args'       => [ 'scope' => self::string_arg( 140, [ 'required' => true ] ) ],
				],
			]
		);
		$this->route(
			'/balances/(?P<user_id>\d+)/clear-uncovered',
			[
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'clear_uncovered' ],
					'capability' => $cap,
					'args'       => [
						'expected_uncovered' => [ 'required' => true ],
						'reason'             => self::string_arg( 500, [ 'default' => '' ] ),
					],
				],
			]
		);
		$this->route(
			'/balances/(?P<user_id>\d+)/history',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'history' ],
					'capability' => $cap,
					'args'       => [ 'before' => self::string_arg( 40, [ 'default' => '' ] ) ],
				],
			]
		);
	}

	public function index( WP_REST_Request $r ): \WP_REST_Response {
		global $wpdb;
		$args   = [
			'number'  => self::PER_PAGE,
			'paged'   => (int) $r['page'],
			'orderby' => 'display_name',
			'order'   => 'ASC',
			'fields'  => [ 'ID', 'display_name', 'user_email', 'user_login' ],
		];
		$search = trim( (string) $r['search'] );
		if ( '' !== $search ) {
			$args['search']         = '*' . $search . '*';
			$args['search_columns'] = [ 'user_login', 'user_email', 'display_name', 'user_nicename' ];
		}
		$q     = new \WP_User_Query( $args );
		$users = $q->get_results();
		$ids   = array_map( static fn( $u ) => (int) $u->ID, $users );
		$bal   = [];
		$usage = [];
		if ( $ids ) {
			$in = implode( ',', $ids );
			foreach ( (array) $wpdb->get_results( 'SELECT user_id, balance, held, uncovered FROM ' . Tables::balances() . " WHERE user_id IN ($in)", ARRAY_A ) as $b ) {
				$bal[ (int) $b['user_id'] ] = $b;
			}
			$subjects = implode( ',', array_map( static fn( $id ) => "'user:$id'", $ids ) );
			foreach ( (array) $wpdb->get_results( 'SELECT subject, COUNT(DISTINCT scope) AS scopes, MAX(reset_at) AS latest_reset FROM ' . Tables::counters() . " WHERE subject IN ($subjects) GROUP BY subject", ARRAY_A ) as $c ) {
				$usage[ $c['subject'] ] = $c;
			}
		}
		$items = [];
		foreach ( $users as $u ) {
			$id      = (int) $u->ID;
			$b       = $bal[ $id ] ?? null;
			$c       = $usage[ 'user:' . $id ] ?? null;
			$items[] = [
				'user_id'      => $id,
				'name'         => $u->display_name,
				'email'        => $u->user_email,
				'login'        => $u->user_login,
				'balance'      => Decimal::db( $b['balance'] ?? '0' ),
				'held'         => Decimal::db( $b['held'] ?? '0' ),
				'uncovered'    => Decimal::db( $b['uncovered'] ?? '0' ),
				'usage'        => $c ? Quotas::usage( 'user:' . $id ) : [],
				'latest_reset' => $c['latest_reset'] ?? null,
			];
		}
		return new \WP_REST_Response(
			[
				'items'    => $items,
				'total'    => (int) $q->get_total(),
				'page'     => (int) $r['page'],
				'per_page' => self::PER_PAGE,
			]
		);
	}

	public function show( WP_REST_Request $r ) {
		$id = (int) $r['user_id'];
		$u  = get_userdata( $id );
		if ( ! $u ) {
			return self::no_user( $id );
		}
		return new \WP_REST_Response(
			[
				'user_id'      => $id,
				'name'         => $u->display_name,
				'email'        => $u->user_email,
				'roles'        => array_values( (array) $u->roles ),
				'balance'      => Balances::get( $id ),
				'usage'        => Quotas::usage( 'user:' . $id ),
				'latest_reset' => Quotas::latest_reset( 'user:' . $id ),
			]
		);
	}

	public function adjust( WP_REST_Request $r ) {
		$id = (int) $r['user_id'];
		if ( ! get_userdata( $id ) ) {
			return self::no_user( $id );
		}
		return self::respond( Balances::adjust( $id, $r['expected_balance'], $r['new_balance'], (string) $r['reason'], get_current_user_id() ) );
	}

	public function clear_uncovered( WP_REST_Request $r ) {
		$id = (int) $r['user_id'];
		if ( ! get_userdata( $id ) ) {
			return self::no_user( $id );
		}
		return self::respond( Uncovered::clear( $id, $r['expected_uncovered'], (string) $r['reason'], get_current_user_id() ) );
	}

	public function reset( WP_REST_Request $r ) {
		$id = (int) $r['user_id'];
		if ( ! get_userdata( $id ) ) {
			return self::no_user( $id );
		}
		return self::respond( Quotas::reset( 'user:' . $id, (string) $r['scope'], get_current_user_id() ) );
	}

	public function history( WP_REST_Request $r ) {
		$id = (int) $r['user_id'];
		if ( ! get_userdata( $id ) ) {
			return self::no_user( $id );
		}
		$range = [
			'from' => '1970-01-01 00:00:00',
			'to'   => '9999-12-31 00:00:00',
		];
		return new \WP_REST_Response(
			Activity::entries(
				$range,
				[
					'user_id' => $id,
					'before'  => (string) $r['before'],
					'limit'   => 50,
				]
			)
		);
	}

	private static function no_user( int $id ): \WP_Error {
		return new \WP_Error(
			'aipkit_unknown_user',
			/* translators: %d: user id */
			sprintf( __( 'User #%d does not exist.', 'aipkit-usage' ), $id ),
			[
				'status' => 404,
				'field'  => 'user_id',
			]
		);
	}
}
