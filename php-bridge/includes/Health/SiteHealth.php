<?php
namespace AipkitUsage\Health;

use AipkitUsage\Admin\PrerequisiteNotice;
use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Plugin;
use AipkitUsage\Schema\Schema;

defined( 'ABSPATH' ) || exit;

/** Site Health (Tools > Site Health) tests: the core (backend, speed, how to enable FFI) and the database schema. */
final class SiteHealth {
	public function register(): void {
		add_filter( 'site_status_tests', [ $this, 'add_tests' ] );
	}

	/** @param array<string,mixed> $tests */
	public function add_tests( array $tests ): array {
		$tests['direct']['aipkit_usage_core']   = [
			'label' => __( 'AI Puffer Usage core library', 'aipkit-usage' ),
			'test'  => [ $this, 'core_test' ],
		];
		$tests['direct']['aipkit_usage_schema'] = [
			'label' => __( 'AI Puffer Usage database tables', 'aipkit-usage' ),
			'test'  => [ $this, 'schema_test' ],
		];
		return $tests;
	}

	/** @return array<string,mixed> */
	public function core_test(): array {
		$prereq = Plugin::instance()->prerequisites();
		$base   = [
			'test'  => 'aipkit_usage_core',
			'badge' => [
				'label' => __( 'AI Puffer Usage', 'aipkit-usage' ),
				'color' => 'blue',
			],
		];
		if ( $prereq->is_met() ) {
			$backend = $prereq->backend();
			$speed   = self::measure( $backend );
			$desc    = 'ffi' === $backend
				? __( 'The core runs on its native library through PHP FFI (the fastest way).', 'aipkit-usage' )
				: __( 'The core runs as PHP code compiled from the same Rust core (same rules and answers as the native library; no PHP extension or php.ini change needed).', 'aipkit-usage' );
			$html    = '<p>' . esc_html( $desc ) . '</p><p id="aipkit-usage-core-speed">' . esc_html(
				is_wp_error( $speed )
					/* translators: %s: error message */
					? sprintf( __( 'Speed could not be measured: %s', 'aipkit-usage' ), $speed->get_error_message() )
					/* translators: 1: backend (ffi or php), 2: microseconds per admission decision, 3: microseconds per price */
					: sprintf( __( 'Backend: %1$s. Measured now: %2$s µs per admission decision, %3$s µs per price.', 'aipkit-usage' ), $backend, number_format_i18n( $speed['admit'], 1 ), number_format_i18n( $speed['price'], 1 ) )
			) . '</p>';
			if ( 'php' === $backend ) {
				$html .= '<p>' . wp_kses( $prereq->enable_ffi_html(), PrerequisiteNotice::allowed_html() ) . '</p>';
			}
			return $base + [
				'label'       => 'ffi' === $backend
					? __( 'The AI Puffer Usage core runs on its native library (FFI)', 'aipkit-usage' )
					: __( 'The AI Puffer Usage core runs as PHP (FFI is not available)', 'aipkit-usage' ),
				'status'      => 'good',
				'description' => $html,
			];
		}
		return $base + [
			'label'       => __( 'AI Puffer Usage cannot run its core', 'aipkit-usage' ),
			'status'      => 'critical',
			'description' => '<p>' . wp_kses( $prereq->message_html(), PrerequisiteNotice::allowed_html() ) . '</p>',
			'actions'     => '<p>' . esc_html__( 'Credits cannot be metered until this is fixed: metering calls return an "aipkit_core_unavailable" error.', 'aipkit-usage' ) . '</p>',
		];
	}

	/**
	 * Microseconds per core call on $backend, measured over a few calls of an admission decision and
	 * of the compact price (after one warm-up call, so the one-time load is not counted).
	 *
	 * @return array{admit:float,price:float}|\WP_Error
	 */
	public static function measure( string $backend, int $rounds = 20 ): array|\WP_Error {
		try {
			$core  = Gateway::backend_instance( $backend );
			$admit = [
				'estimate'          => '1.4',
				'balance_available' => '3',
				'quota_remaining'   => '10',
				'order'             => 'balance_first',
			];
			$text  = Ffi::text_request(
				[
					'usage_type'    => 'chat',
					'provider'      => 'openai',
					'model'         => 'gpt-4o',
					'input_tokens'  => 800,
					'output_tokens' => 300,
				],
				"\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t"
			);
			$core->call( 'admit', $admit );
			$core->price_text( $text );
			$t0 = hrtime( true );
			for ( $i = 0; $i < $rounds; $i++ ) {
				$core->call( 'admit', $admit );
			}
			$t1 = hrtime( true );
			for ( $i = 0; $i < $rounds; $i++ ) {
				$core->price_text( $text );
			}
			$t2 = hrtime( true );
		} catch ( \Throwable $e ) {
			return new \WP_Error( 'aipkit_core_unavailable', $e->getMessage() );
		}
		return [
			'admit' => ( $t1 - $t0 ) / 1000 / $rounds,
			'price' => ( $t2 - $t1 ) / 1000 / $rounds,
		];
	}

	/** @return array<string,mixed> */
	public function schema_test(): array {
		global $wpdb;
		$missing = [];
		foreach ( Schema::table_names() as $table ) {
			if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) ) !== $table ) {
				$missing[] = $table;
			}
		}
		$base = [
			'test'  => 'aipkit_usage_schema',
			'badge' => [
				'label' => __( 'AI Puffer Usage', 'aipkit-usage' ),
				'color' => 'blue',
			],
		];
		if ( [] === $missing && Schema::VERSION === Schema::installed_version() ) {
			return $base + [
				'label'       => __( 'AI Puffer Usage database tables are up to date', 'aipkit-usage' ),
				'status'      => 'good',
				'description' => '<p>' . esc_html__( 'All tables exist at the current schema version.', 'aipkit-usage' ) . '</p>',
			];
		}
		return $base + [
			'label'       => __( 'AI Puffer Usage database tables need attention', 'aipkit-usage' ),
			'status'      => 'critical',
			/* translators: 1: missing tables, 2: installed version, 3: expected version */
			'description' => '<p>' . esc_html( sprintf( __( 'Missing tables: %1$s. Installed schema version: "%2$s", expected "%3$s". Deactivate and activate the plugin to create them.', 'aipkit-usage' ), $missing ? implode( ', ', $missing ) : '-', Schema::installed_version(), Schema::VERSION ) ) . '</p>',
		];
	}
}
