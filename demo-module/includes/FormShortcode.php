<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/** [aipkit_demo_form form="demo-form"]: "Describe your product" → generated text, metered as form_submit. */
final class FormShortcode {
	public static function register(): void {
		add_shortcode( 'aipkit_demo_form', [ self::class, 'render' ] );
	}

	public static function render( $atts ): string {
		$atts = shortcode_atts( [ 'form' => 'demo-form' ], $atts, 'aipkit_demo_form' );
		$bot  = isset( Bots::ALL[ $atts['form'] ] ) && 'form_submit' === Bots::ALL[ $atts['form'] ]['usage_type'] ? $atts['form'] : 'demo-form';
		Assets::enqueue( 'form' );
		$id = 'aipkit-demo-' . wp_unique_id();
		return sprintf(
			'<div class="aipkit-demo-aiform" id="%1$s" data-bot="%2$s">
				<h3>%3$s</h3>
				<form><label for="%1$s-input">%4$s</label>
				<textarea id="%1$s-input" name="message" rows="3" required maxlength="4000"></textarea>
				<button type="submit">%5$s</button></form>
				<div class="aipkit-demo-result" aria-live="polite"></div>
				<p class="aipkit-demo-status" role="status"></p>
			</div>',
			esc_attr( $id ),
			esc_attr( $bot ),
			esc_html( Bots::ALL[ $bot ]['name'] ),
			esc_html__( 'Describe your product', 'aipkit-usage-demo' ),
			esc_html__( 'Generate description', 'aipkit-usage-demo' )
		);
	}
}
