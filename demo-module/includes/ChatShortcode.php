<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/**
 * [aipkit_demo_chat bot="demo-support" stream="true"]: a minimal chat box that calls the metered
 * endpoint; with stream="true" the reply is read from the event stream as it arrives.
 */
final class ChatShortcode {
	public static function register(): void {
		add_shortcode( 'aipkit_demo_chat', [ self::class, 'render' ] );
	}

	public static function render( $atts ): string {
		$atts = shortcode_atts(
			[
				'bot'    => 'demo-support',
				'stream' => 'false',
			],
			$atts,
			'aipkit_demo_chat'
		);
		$bot  = isset( Bots::ALL[ $atts['bot'] ] ) && 'chat' === Bots::ALL[ $atts['bot'] ]['usage_type'] ? $atts['bot'] : 'demo-support';
		Assets::enqueue( 'chat' );
		$id = 'aipkit-demo-' . wp_unique_id();
		return sprintf(
			'<div class="aipkit-demo-chat" id="%1$s" data-bot="%2$s" data-conversation="%3$s" data-stream="%7$s">
				<h3>%4$s</h3>
				<ol class="aipkit-demo-messages" aria-live="polite"></ol>
				<form class="aipkit-demo-form"><label for="%1$s-input">%5$s</label>
				<input id="%1$s-input" name="message" type="text" required maxlength="4000" autocomplete="off" />
				<button type="submit">%6$s</button></form>
				<p class="aipkit-demo-status" role="status"></p>
			</div>',
			esc_attr( $id ),
			esc_attr( $bot ),
			esc_attr( wp_generate_uuid4() ),
			esc_html( Bots::ALL[ $bot ]['name'] ),
			esc_html__( 'Your message', 'aipkit-usage-demo' ),
			esc_html__( 'Send', 'aipkit-usage-demo' ),
			wp_validate_boolean( $atts['stream'] ) ? '1' : '0'
		);
	}
}
