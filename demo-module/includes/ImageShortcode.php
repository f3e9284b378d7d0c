<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/** [aipkit_demo_image bot="demo-images"]: a prompt → placeholder images, metered as image_generate per image. */
final class ImageShortcode {
	public static function register(): void {
		add_shortcode( 'aipkit_demo_image', [ self::class, 'render' ] );
	}

	public static function render( $atts ): string {
		$atts = shortcode_atts( [ 'bot' => 'demo-images' ], $atts, 'aipkit_demo_image' );
		$bot  = isset( Bots::ALL[ $atts['bot'] ] ) && 'image_generate' === Bots::ALL[ $atts['bot'] ]['usage_type'] ? $atts['bot'] : 'demo-images';
		Assets::enqueue( 'image' );
		$id = 'aipkit-demo-' . wp_unique_id();
		return sprintf(
			'<div class="aipkit-demo-image" id="%1$s" data-bot="%2$s">
				<h3>%3$s</h3>
				<form><label for="%1$s-input">%4$s</label>
				<input id="%1$s-input" name="message" type="text" required maxlength="4000" autocomplete="off" />
				<button type="submit">%5$s</button></form>
				<div class="aipkit-demo-images" aria-live="polite"></div>
				<p class="aipkit-demo-status" role="status"></p>
			</div>',
			esc_attr( $id ),
			esc_attr( $bot ),
			esc_html( Bots::ALL[ $bot ]['name'] ),
			esc_html__( 'Image prompt', 'aipkit-usage-demo' ),
			esc_html__( 'Generate image', 'aipkit-usage-demo' )
		);
	}
}
