<?php
namespace AipkitUsage\Admin;

use AipkitUsage\Capabilities;
use AipkitUsage\Rest\Controller;
use AipkitUsage\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * "AI Puffer > Usage" admin page: a container the React app (js/admin) mounts into, plus the data
 * it needs (REST namespace, wasm URL, the user's capabilities) passed as inline script data.
 */
final class Menu {
	public const PARENT_SLUG = 'aipkit';
	public const PAGE_SLUG   = 'aipkit-usage';
	public const SCRIPT      = 'aipkit-usage-admin';

	private string $hook = '';

	public function register(): void {
		add_action( 'admin_menu', [ $this, 'add_menu' ] );
		add_action( 'admin_enqueue_scripts', [ $this, 'enqueue' ] );
	}

	public function add_menu(): void {
		global $admin_page_hooks;
		// The main AI Puffer plugin may already own the top-level menu; then only add our item.
		if ( empty( $admin_page_hooks[ self::PARENT_SLUG ] ) ) {
			add_menu_page(
				__( 'AI Puffer', 'aipkit-usage' ),
				__( 'AI Puffer', 'aipkit-usage' ),
				Capabilities::VIEW_USAGE,
				self::PARENT_SLUG,
				[ $this, 'render' ],
				'dashicons-chart-area',
				58
			);
		}
		$this->hook = (string) add_submenu_page(
			self::PARENT_SLUG,
			__( 'Usage', 'aipkit-usage' ),
			__( 'Usage', 'aipkit-usage' ),
			Capabilities::VIEW_USAGE,
			self::PAGE_SLUG,
			[ $this, 'render' ]
		);
		// WordPress repeats the top-level item as the first sub-item; ours would be a duplicate of Usage.
		remove_submenu_page( self::PARENT_SLUG, self::PARENT_SLUG );
	}

	public static function page_url( string $tab = '' ): string {
		$url = admin_url( 'admin.php?page=' . self::PAGE_SLUG );
		return '' === $tab ? $url : add_query_arg( 'tab', rawurlencode( $tab ), $url );
	}

	public function render(): void {
		if ( ! current_user_can( Capabilities::VIEW_USAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'aipkit-usage' ), 403 );
		}
		echo '<div class="wrap aipkit-usage-wrap">';
		echo '<h1>' . esc_html__( 'Usage', 'aipkit-usage' ) . '</h1>';
		echo '<div id="aipkit-usage-admin-root">';
		if ( ! is_readable( self::build_dir() . 'admin.js' ) ) {
			echo '<div class="notice notice-error inline"><p>' . esc_html__( 'The admin scripts are not built: run "npm run build".', 'aipkit-usage' ) . '</p></div>';
		} else {
			echo '<p class="aipkit-usage-loading">' . esc_html__( 'Loading…', 'aipkit-usage' ) . '</p>';
		}
		echo '</div></div>';
	}

	private static function build_dir(): string {
		return AIPKIT_USAGE_DIR . 'build/';
	}

	public function enqueue( string $hook ): void {
		$ours = ( '' !== $this->hook && $hook === $this->hook ) || 'toplevel_page_' . self::PARENT_SLUG === $hook;
		if ( ! $ours || ! is_readable( self::build_dir() . 'admin.js' ) ) {
			return;
		}
		$asset = is_readable( self::build_dir() . 'admin.asset.php' )
			? require self::build_dir() . 'admin.asset.php'
			: [
				'dependencies' => [ 'wp-element', 'wp-components', 'wp-api-fetch', 'wp-i18n' ],
				'version'      => AIPKIT_USAGE_VERSION,
			];
		JsxRuntimeShim::ensure();
		wp_enqueue_script( self::SCRIPT, plugins_url( 'build/admin.js', AIPKIT_USAGE_FILE ), $asset['dependencies'], $asset['version'], true );
		wp_set_script_translations( self::SCRIPT, 'aipkit-usage' );
		if ( is_readable( self::build_dir() . 'admin.css' ) ) {
			wp_enqueue_style( self::SCRIPT, plugins_url( 'build/admin.css', AIPKIT_USAGE_FILE ), [ 'wp-components' ], $asset['version'] );
			wp_style_add_data( self::SCRIPT, 'rtl', 'replace' );
		} else {
			wp_enqueue_style( 'wp-components' );
		}
		wp_add_inline_script( self::SCRIPT, 'window.aipkitUsageAdmin = ' . wp_json_encode( self::boot_data() ) . ';', 'before' );
	}

	/** @return array<string,mixed> */
	public static function boot_data(): array {
		$caps = [];
		foreach ( Capabilities::all() as $cap ) {
			$caps[ $cap ] = current_user_can( $cap );
		}
		$wasm = 'build/wasm/aipkit_usage_bg.wasm';
		$glue = 'build/wasm/aipkit_usage.js';
		$ver  = is_readable( AIPKIT_USAGE_DIR . $wasm ) ? rawurlencode( AIPKIT_USAGE_VERSION . '-' . filemtime( AIPKIT_USAGE_DIR . $wasm ) ) : '';
		return [
			'version'       => AIPKIT_USAGE_VERSION,
			'restNamespace' => Controller::NAMESPACE,
			'restRoot'      => esc_url_raw( rest_url() ),
			'page_url'      => self::page_url(),
			// Versioned by file time so a rebuilt core is never served from a stale browser cache.
			'wasmUrl'       => '' !== $ver ? plugins_url( $wasm, AIPKIT_USAGE_FILE ) . '?ver=' . $ver : null,
			'wasmGlueUrl'   => '' !== $ver && is_readable( AIPKIT_USAGE_DIR . $glue ) ? plugins_url( $glue, AIPKIT_USAGE_FILE ) . '?ver=' . $ver : null,
			'capabilities'  => $caps,
			'settings'      => current_user_can( Capabilities::MANAGE_SETTINGS ) ? Settings::all() : null,
			'timezone'      => wp_timezone_string(),
			// Seconds east of UTC now; time.js uses it when the zone is a fixed offset ("+05:30").
			'utcOffset'     => (int) wp_timezone()->getOffset( new \DateTimeImmutable( 'now' ) ),
			'start_of_week' => (int) get_option( 'start_of_week', 1 ),
		];
	}
}
