<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/**
 * The demo widgets' scripts, enqueued from the shortcodes' render callbacks so pages without a
 * widget load nothing. client.js (request, event-stream reader, quota notice) is shared.
 */
final class Assets {
	private const VERSION = '0.2.0';

	/** Enqueues assets/{$widget}.js after the shared client. */
	public static function enqueue( string $widget ): void {
		if ( ! wp_script_is( 'aipkit-usage-demo-client', 'registered' ) ) {
			wp_register_script( 'aipkit-usage-demo-client', self::url( 'client.js' ), [], self::VERSION, true );
			wp_localize_script(
				'aipkit-usage-demo-client',
				'aipkitDemo',
				[
					'url'   => esc_url_raw( rest_url( 'aipkit-demo/v1/chat' ) ),
					'nonce' => wp_create_nonce( ChatEndpoint::NONCE ),
					'rest'  => wp_create_nonce( 'wp_rest' ),
				]
			);
		}
		wp_enqueue_script( 'aipkit-usage-demo-' . $widget, self::url( $widget . '.js' ), [ 'aipkit-usage-demo-client' ], self::VERSION, true );
	}

	private static function url( string $file ): string {
		return plugins_url( 'assets/' . $file, dirname( __DIR__ ) . '/aipkit-usage-demo.php' );
	}
}
