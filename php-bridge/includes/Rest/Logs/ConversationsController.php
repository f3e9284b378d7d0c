<?php
namespace AipkitUsage\Rest\Logs;

use AipkitUsage\Logs\Catalog;
use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\ConversationReader;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/** GET aipkit/v1/logs (the list), /logs/filters (filter choices), /logs/conversations/{id}. */
final class ConversationsController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/logs',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'list' ],
					'capability' => 'aipkit_view_usage',
					'args'       => [
						'per_page' => [
							'type'    => 'integer',
							'default' => 20,
							'enum'    => ConversationList::PAGE_SIZES,
						],
						'cursor'   => self::string_arg( 40, [ 'default' => '' ] ),
					],
				],
			]
		);
		$this->route(
			'/logs/matches',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'matches' ],
					'capability' => 'aipkit_view_usage',
				],
			]
		);
		$this->route(
			'/logs/filters',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'filters' ],
					'capability' => 'aipkit_view_usage',
				],
			]
		);
		$this->route(
			'/logs/conversations/(?P<id>\d+)',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'one' ],
					'capability' => 'aipkit_view_usage',
					'args'       => [
						'id'    => [
							'type'    => 'integer',
							'minimum' => 1,
						],
						'after' => [
							'type'    => 'integer',
							'minimum' => 0,
							'default' => 0,
						],
					],
				],
			]
		);
	}

	public function list( WP_REST_Request $r ) {
		$f = Filters::from_request( $r->get_query_params() );
		if ( is_wp_error( $f ) ) {
			return $f;
		}
		return self::respond( ConversationList::page( $f, (int) $r['per_page'], (string) $r['cursor'] ) );
	}

	/** How many conversations the search matches (capped), for the line above the results. */
	public function matches( WP_REST_Request $r ) {
		$f = Filters::from_request( $r->get_query_params() );
		if ( is_wp_error( $f ) ) {
			return $f;
		}
		return self::respond( ConversationList::count_matches( $f ) );
	}

	public function filters( WP_REST_Request $r ) {
		$out         = [
			'bots'    => [],
			'modules' => [],
			'ranges'  => Filters::RANGES,
		];
		$out['bots'] = Catalog::bot_list();
		foreach ( Catalog::modules() as $id => $name ) {
			$out['modules'][] = [
				'id'   => (string) $id,
				'name' => $name,
			];
		}
		return self::respond( $out );
	}

	public function one( WP_REST_Request $r ) {
		return self::respond( ConversationReader::read( (int) $r['id'], (int) $r['after'] ) );
	}
}
