<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/** [aipkit_demo_chat bot="demo-support"]: a minimal chat box that calls the metered endpoint. */
final class Shortcode {
	public static function register(): void {
		add_shortcode( 'aipkit_demo_chat', array( self::class, 'render' ) );
	}

	public static function render( $atts ): string {
		$atts = shortcode_atts( array( 'bot' => 'demo-support' ), $atts, 'aipkit_demo_chat' );
		$bot  = isset( Bots::ALL[ $atts['bot'] ] ) ? $atts['bot'] : 'demo-support';
		wp_enqueue_script( 'aipkit-usage-demo-chat', plugins_url( 'assets/chat.js', __DIR__ . '/../aipkit-usage-demo.php' ), array(), '0.1.0', true );
		wp_localize_script(
			'aipkit-usage-demo-chat',
			'aipkitDemoChat',
			array(
				'url'   => esc_url_raw( rest_url( 'aipkit-demo/v1/chat' ) ),
				'nonce' => wp_create_nonce( ChatEndpoint::NONCE ),
				'rest'  => wp_create_nonce( 'wp_rest' ),
			)
		);
		$id = 'aipkit-demo-' . wp_unique_id();
		return sprintf(
			'<div class="aipkit-demo-chat" id="%1$s" data-bot="%2$s" data-conversation="%3$s">
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
			esc_html__( 'Send', 'aipkit-usage-demo' )
		);
	}
}
