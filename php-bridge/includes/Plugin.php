<?php
namespace AipkitUsage;

use AipkitUsage\Core\Prerequisites;
use AipkitUsage\Schema\Schema;

defined( 'ABSPATH' ) || exit;

/**
 * Boots the plugin: checks the prerequisites first, then registers a fixed list of services
 * (each a class with register(): void). When the core cannot run, only the services that explain
 * the problem are booted, so nothing half-works.
 */
final class Plugin {
	private static ?Plugin $instance = null;

	private ?Prerequisites $prerequisites = null;

	private bool $booted = false;

	/** @var object[] */
	private array $services = [];

	public static function instance(): self {
		return self::$instance ??= new self();
	}

	public function prerequisites(): Prerequisites {
		return $this->prerequisites ??= new Prerequisites();
	}

	/** Replaces the prerequisite probe (tests inject environments they cannot create in-process). */
	public function use_prerequisites( ?Prerequisites $prerequisites ): void {
		$this->prerequisites = $prerequisites;
	}

	/**
	 * Services that work without the core: explaining a problem, keeping the schema current.
	 *
	 * @return string[]
	 */
	private static function base_services(): array {
		return [
			Schema::class,
			Admin\PrerequisiteNotice::class,
			Health\SiteHealth::class,
		];
	}

	/** @return string[] services that need the core; Billing and Logs are added by their own issues. */
	private static function core_services(): array {
		return [
			Capabilities::class,
			Rest\SettingsController::class,
			Rest\CoreController::class,
			Admin\Menu::class,
			Health\SampleChargeCheck::class,
			'AipkitUsage\\Billing\\Module',
			'AipkitUsage\\Logs\\Module',
			'AipkitUsage\\WooCommerce\\Module',
			'AipkitUsage\\Dashboard\\Module',
		];
	}

	public function boot(): void {
		if ( $this->booted ) {
			return;
		}
		$this->booted = true;
		add_action( 'init', [ $this, 'load_text_domain' ] );

		$classes = self::base_services();
		if ( $this->prerequisites()->is_met() ) {
			$classes = array_merge( $classes, self::core_services() );
		}
		foreach ( $classes as $class ) {
			if ( class_exists( $class ) ) {
				$service = new $class();
				$service->register();
				$this->services[ $class ] = $service;
			}
		}
	}

	/** @return object|null the booted service instance of $class_name */
	public function service( string $class_name ): ?object {
		return $this->services[ $class_name ] ?? null;
	}

	public function load_text_domain(): void {
		load_plugin_textdomain( 'aipkit-usage', false, dirname( plugin_basename( AIPKIT_USAGE_FILE ) ) . '/languages' );
	}

	/** Activation hook: refuses (with the precise reason) when the core cannot run. */
	public static function activate( bool $network_wide = false ): void {
		$prereq = self::instance()->prerequisites();
		if ( ! $prereq->is_met() ) {
			// Never leave a plugin active that cannot meter: WordPress has not yet recorded the
			// activation, so dying here keeps it inactive.
			wp_die(
				wp_kses(
					$prereq->message_html(),
					[
						'strong' => [],
						'br'     => [],
						'code'   => [ 'style' => [] ],
					]
				),
				esc_html__( 'AI Puffer Usage was not activated', 'aipkit-usage' ),
				[
					'response'  => 500,
					'back_link' => true,
				]
			);
		}
		if ( $network_wide && is_multisite() ) {
			Schema::install_network();
		} else {
			Schema::install();
		}
	}

	public static function deactivate(): void {
		// Scheduled events are re-created by their owners on boot; clear ours so nothing runs while inactive.
		foreach ( self::scheduled_hooks() as $hook ) {
			wp_unschedule_hook( $hook );
		}
	}

	/** @return string[] every cron hook of this plugin (prefix aipkit_usage_) currently scheduled. */
	public static function scheduled_hooks(): array {
		$hooks = [];
		foreach ( (array) _get_cron_array() as $events ) {
			foreach ( (array) $events as $hook => $unused ) {
				if ( str_starts_with( (string) $hook, 'aipkit_usage_' ) ) {
					$hooks[ $hook ] = true;
				}
			}
		}
		return array_keys( $hooks );
	}
}
