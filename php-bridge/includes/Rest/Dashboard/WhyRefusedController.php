<?php
namespace AipkitUsage\Rest\Dashboard;

use AipkitUsage\Capabilities;
use AipkitUsage\Dashboard\WhyRefused;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** GET aipkit/v1/balances/{user_id}/why: "Why was this refused?" on Billing > Balances (manage_balances). */
final class WhyRefusedController extends Controller {
	public function register_routes(): void {
		$count = self::int_arg( 0, 1000000000000 );
		$this->route(
			'/balances/(?P<user_id>\d+)/why',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'why' ],
					'capability' => Capabilities::MANAGE_BALANCES,
					'args'       => [
						'module'        => self::string_arg( 32, [ 'pattern' => '^[a-z0-9_-]{0,32}$' ] ),
						'bot_id'        => self::string_arg( 64, [ 'pattern' => '^[A-Za-z0-9_.-]{0,64}$' ] ),
						'usage_type'    => self::string_arg( 32, [ 'pattern' => '^[a-z0-9_]{0,32}$' ] ),
						'provider'      => self::string_arg( 64 ),
						'model'         => self::string_arg( 128 ),
						'input_tokens'  => $count,
						'output_tokens' => $count,
						'images'        => $count,
						'videos'        => $count,
					],
				],
			]
		);
	}

	public function why( WP_REST_Request $r ) {
		$in = [];
		foreach ( [ 'module', 'bot_id', 'usage_type', 'provider', 'model', 'input_tokens', 'output_tokens', 'images', 'videos' ] as $k ) {
			if ( $r->has_param( $k ) ) {
				$in[ $k ] = $r->get_param( $k );
			}
		}
		return self::respond( WhyRefused::explain( (int) $r['user_id'], $in ) );
	}
}
