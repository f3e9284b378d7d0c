<?php
namespace AipkitUsage\Rest\Logs;

use AipkitUsage\Logs\Retention;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/** GET/POST aipkit/v1/logs/retention: the Set retention dialog. */
final class RetentionController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/logs/retention',
			[
				[
					'methods'    => 'GET',
					'callback'   => [ $this, 'get' ],
					'capability' => 'aipkit_manage_settings',
				],
				[
					'methods'    => 'POST',
					'callback'   => [ $this, 'save' ],
					'capability' => 'aipkit_manage_settings',
					'args'       => [
						'enabled' => [
							'type'     => 'boolean',
							'required' => true,
						],
						'days'    => [
							'type'     => 'integer',
							'required' => true,
							'minimum'  => 1,
							'maximum'  => Retention::MAX_DAYS,
						],
					],
				],
			]
		);
	}

	public function get( WP_REST_Request $r ) {
		return self::respond( self::state() );
	}

	public function save( WP_REST_Request $r ) {
		$saved = Retention::save( (bool) $r['enabled'], (int) $r['days'] );
		return is_wp_error( $saved ) ? $saved : self::respond( self::state() );
	}

	private static function state(): array {
		return [
			'settings' => Retention::settings(),
			'status'   => Retention::status(),
			'presets'  => Retention::PRESETS,
			'max_days' => Retention::MAX_DAYS,
		];
	}
}
