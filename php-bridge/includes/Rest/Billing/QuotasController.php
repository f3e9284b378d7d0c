<?php
namespace AipkitUsage\Rest\Billing;

use AipkitUsage\Billing\ModelCatalog;
use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/** aipkit/v1/quotas: quota rules per module and optional bot/form. */
final class QuotasController extends Controller {
	public function register_routes(): void {
		$this->route(
			'/quotas',
			[
				[
					'methods'    => WP_REST_Server::READABLE,
					'callback'   => [ $this, 'index' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
				[
					'methods'    => WP_REST_Server::CREATABLE,
					'callback'   => [ $this, 'save' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
			]
		);
		$this->route(
			'/quotas/(?P<id>\d+)',
			[
				[
					'methods'    => WP_REST_Server::EDITABLE,
					'callback'   => [ $this, 'save' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
				[
					'methods'    => WP_REST_Server::DELETABLE,
					'callback'   => [ $this, 'delete' ],
					'capability' => Capabilities::MANAGE_PRICING,
				],
			]
		);
	}

	public function index(): \WP_REST_Response {
		$roles = [];
		foreach ( wp_roles()->get_names() as $slug => $name ) {
			$roles[] = [
				'role' => $slug,
				'name' => translate_user_role( $name ),
			];
		}
		$rules = QuotaRules::all();
		$bots  = ModelCatalog::bots();
		// Modules without a module-wide rule: what the no_quota_rule setting governs.
		$modules = array_unique( array_merge( [ 'chatbot', 'ai_forms', 'image_generator' ], array_column( $bots, 'module' ) ) );
		$covered = array_column( array_filter( $rules, static fn( $x ) => '' === $x['bot_id'] ), 'module' );
		return new \WP_REST_Response(
			[
				'rules'                => $rules,
				'bots'                 => $bots,
				'roles'                => $roles,
				'no_quota_rule'        => \AipkitUsage\Settings::no_quota_rule(),
				'modules_without_rule' => array_values( array_diff( $modules, $covered ) ),
			]
		);
	}

	public function save( WP_REST_Request $r ) {
		$body = $r->get_json_params();
		$in   = is_array( $body ) && $body ? $body : $r->get_body_params();
		if ( isset( $r['id'] ) ) {
			$existing = QuotaRules::get( (int) $r['id'] );
			if ( ! $existing ) {
				return new \WP_Error(
					'aipkit_quota_not_found',
					__( 'Quota rule not found.', 'aipkit-usage' ),
					[
						'status' => 404,
						'field'  => 'id',
					]
				);
			}
			// The scope of a stored rule is its identity: editing keeps module and bot.
			$in = array_merge(
				$existing,
				$in,
				[
					'module' => $existing['module'],
					'bot_id' => $existing['bot_id'],
				]
			);
		}
		return self::respond( QuotaRules::save( $in ), isset( $r['id'] ) ? 200 : 201 );
	}

	public function delete( WP_REST_Request $r ) {
		$res = QuotaRules::delete( (int) $r['id'] );
		return self::respond(
			is_wp_error( $res ) ? $res : [
				'deleted' => true,
				'id'      => (int) $r['id'],
			]
		);
	}
}
