<?php
namespace AipkitUsage\Health;

use AipkitUsage\Admin\PrerequisiteNotice;
use AipkitUsage\Plugin;
use AipkitUsage\Schema\Schema;

defined( 'ABSPATH' ) || exit;

/** Site Health (Tools > Site Health) tests: the native core and the database schema. */
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
			return $base + [
				'label'       => __( 'The AI Puffer Usage core library is loaded', 'aipkit-usage' ),
				'status'      => 'good',
				/* translators: %s: version */
				'description' => '<p>' . esc_html( sprintf( __( 'PHP FFI is available and the core library version %s matches the plugin.', 'aipkit-usage' ), AIPKIT_USAGE_VERSION ) ) . '</p>',
			];
		}
		return $base + [
			'label'       => __( 'AI Puffer Usage cannot load its core library', 'aipkit-usage' ),
			'status'      => 'critical',
			'description' => '<p>' . wp_kses( $prereq->message_html(), PrerequisiteNotice::allowed_html() ) . '</p>',
			'actions'     => '<p>' . esc_html__( 'Credits cannot be metered until this is fixed: metering calls return an "aipkit_core_unavailable" error.', 'aipkit-usage' ) . '</p>',
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
