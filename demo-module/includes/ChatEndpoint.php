<?php
namespace AipkitUsageDemo;

use WP_Error;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/**
 * POST aipkit-demo/v1/chat {bot, message, conversation_id?, fail?, stream?}: a metered request end to end,
 * for every demo bot (chat, the form's form_submit, the image generator's image_generate per image).
 * Public (guests chat too) but protected by a nonce issued with the page.
 */
final class ChatEndpoint {
	public const NONCE = 'aipkit_demo_chat';

	public static function routes(): void {
		register_rest_route(
			'aipkit-demo/v1',
			'/chat',
			[
				'methods'             => 'POST',
				'callback'            => [ self::class, 'handle' ],
				'permission_callback' => [ self::class, 'check_nonce' ],
				'args'                => [
					'bot'             => [
						'type'     => 'string',
						'required' => true,
						'enum'     => array_keys( Bots::ALL ),
					],
					'message'         => [
						'type'      => 'string',
						'required'  => true,
						'minLength' => 1,
						'maxLength' => 4000,
					],
					'conversation_id' => [
						'type'    => 'string',
						'default' => '',
						'pattern' => '^[A-Za-z0-9_-]{0,64}$',
					],
					'fail'            => [
						'type'    => 'boolean',
						'default' => false,
					],
					// true: the reply comes as text/event-stream (StreamResponder); false: one JSON answer.
					'stream'          => [
						'type'    => 'boolean',
						'default' => false,
					],
				],
			]
		);
	}

	public static function check_nonce( WP_REST_Request $r ) {
		$nonce = (string) ( $r->get_header( 'x_aipkit_demo_nonce' ) ? $r->get_header( 'x_aipkit_demo_nonce' ) : $r['_demo_nonce'] );
		if ( wp_verify_nonce( $nonce, self::NONCE ) ) {
			return true;
		}
		return new WP_Error( 'aipkit_demo_bad_nonce', __( 'This chat session expired. Reload the page and try again.', 'aipkit-usage-demo' ), [ 'status' => 403 ] );
	}

	public static function handle( WP_REST_Request $r ) {
		if ( ! function_exists( 'aipkit_usage_authorize' ) ) {
			return new WP_Error( 'aipkit_demo_no_usage', __( 'AI Puffer Usage is not active.', 'aipkit-usage-demo' ), [ 'status' => 503 ] );
		}
		return self::run( (string) $r['bot'], (string) $r['message'], (string) $r['conversation_id'], (bool) $r['fail'], get_current_user_id() );
	}

	/** @return array|WP_Error */
	public static function run( string $bot_id, string $message, string $conversation_id, bool $fail, int $user_id, ?string $request_id = null ) {
		$bot     = Bots::ALL[ $bot_id ];
		$started = microtime( true );
		$hold    = aipkit_usage_authorize(
			[
				'module'     => $bot['module'],
				'bot_id'     => $bot_id,
				'usage_type' => $bot['usage_type'],
				'provider'   => Bots::PROVIDER,
				'model'      => $bot['model'],
				'user_id'    => $user_id,
				'estimate'   => 'image_generate' === $bot['usage_type']
					? [ 'images' => SimulatedProvider::image_count( $message ) ]
					: [
						'input_tokens'  => SimulatedProvider::input_tokens( $message ),
						'output_tokens' => 200,
					],
				'request_id' => $request_id ?? 'demo-' . wp_generate_uuid4(),
			]
		);
		if ( is_wp_error( $hold ) ) {
			return $hold;
		}
		$out = SimulatedProvider::complete( $bot['usage_type'], $message );
		$res = aipkit_usage_settle(
			$hold,
			[
				'input_tokens'  => $out['input_tokens'],
				'output_tokens' => $out['output_tokens'],
				'images'        => $out['images'],
				'failed'        => $fail,
			],
			[
				'conversation_id' => $conversation_id,
				'user_message'    => $message,
				'reply'           => $fail ? '' : $out['reply'],
				'metadata'        => [
					'duration_ms' => (int) round( ( microtime( true ) - $started ) * 1000 ),
					'simulated'   => true,
				],
				'vector_context'  => $out['vector_context'],
				'status'          => $fail ? 'failed' : 'ok',
			]
		);
		if ( is_wp_error( $res ) ) {
			return $res;
		}
		return [
			'reply'          => $fail ? '' : $out['reply'],
			'chunks'         => $fail ? [] : $out['chunks'],
			'credits'        => $res['credits'],
			'balance_after'  => $res['balance_after'],
			'vector_context' => $out['vector_context'],
			'usage'          => [
				'input_tokens'  => $out['input_tokens'],
				'output_tokens' => $out['output_tokens'],
				'images'        => $out['images'],
			],
			'image_urls'     => $fail ? [] : $out['image_urls'],
		];
	}
}
