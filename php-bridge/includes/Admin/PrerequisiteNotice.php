<?php
namespace AipkitUsage\Admin;

use AipkitUsage\Plugin;

defined( 'ABSPATH' ) || exit;

/** Admin notice saying exactly why the core cannot run and which php.ini lines fix it. */
final class PrerequisiteNotice {
	public function register(): void {
		add_action( 'admin_notices', [ $this, 'render' ] );
		add_action( 'network_admin_notices', [ $this, 'render' ] );
	}

	public function render(): void {
		if ( ! current_user_can( 'activate_plugins' ) ) {
			return;
		}
		$prereq = Plugin::instance()->prerequisites();
		if ( $prereq->is_met() ) {
			$ffi = $prereq->ffi_problem();
			if ( null !== $ffi && 'library_damaged' === $ffi['code'] && 'php' === $prereq->backend() ) {
				echo '<div class="notice notice-warning" id="aipkit-usage-library-damaged"><p><strong>'
					. esc_html__( 'AI Puffer Usage: the native core library is damaged, so the plugin runs its built-in PHP core (same rules, slower).', 'aipkit-usage' )
					. '</strong> ' . esc_html( $ffi['reason'] ) . '</p></div>';
			}
			return;
		}
		echo '<div class="notice notice-error" id="aipkit-usage-prerequisites"><p>'
			. wp_kses( $prereq->message_html(), self::allowed_html() )
			. '</p></div>';
	}

	/** @return array<string,array<string,bool>> */
	public static function allowed_html(): array {
		return [
			'strong' => [],
			'br'     => [],
			'code'   => [ 'style' => true ],
		];
	}
}
