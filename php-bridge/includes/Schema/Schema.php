<?php
namespace AipkitUsage\Schema;

use AipkitUsage\Capabilities;
use AipkitUsage\Sites;

defined( 'ABSPATH' ) || exit;

/**
 * Creates and upgrades the plugin's tables with dbDelta, per site.
 *
 * The installed version lives in the per-site option `aipkit_usage_db_version`; when it differs
 * from VERSION the schema is re-applied (dbDelta adds missing columns/indexes) and then the
 * version-specific data migrations run. A database lock keeps two concurrent requests from
 * running the same upgrade at once.
 */
final class Schema {
	/** Bump whenever Tables::definitions() or migrations() change. */
	public const VERSION = '8'; // 8: logs KEY module_id, bot_id_id, user_id_id (search walks a filter's own rows); 7: quota_counters.period_end; 6: ledger_days (Activity per local day); 5: refusals table + ledger KEY user_kind_created
	public const OPTION  = 'aipkit_usage_db_version';

	public function register(): void {
		add_action( 'plugins_loaded', [ self::class, 'maybe_upgrade' ], 5 );
		add_action( 'wp_initialize_site', [ self::class, 'on_initialize_site' ], 20 );
		add_filter( 'wpmu_drop_tables', [ self::class, 'drop_tables_with_site' ], 10, 2 );
	}

	/** Full name of one of the plugin's tables on the current site, e.g. `wp_aipkit_ledger`. */
	public static function table( string $name ): string {
		global $wpdb;
		return $wpdb->prefix . 'aipkit_' . $name;
	}

	/** @return string[] full names of all the plugin's tables on the current site */
	public static function table_names(): array {
		return array_map( [ self::class, 'table' ], Tables::NAMES );
	}

	public static function installed_version(): string {
		return (string) get_option( self::OPTION, '' );
	}

	/**
	 * Applies the table definitions under $prefix (default: the current site's) and returns
	 * dbDelta's list of changes (empty when everything was already up to date).
	 *
	 * @return array<string,string>
	 */
	public static function apply( ?string $prefix = null ): array {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$prefix ??= $wpdb->prefix . 'aipkit_';
		$changes = [];
		foreach ( Tables::definitions( $prefix, $wpdb->get_charset_collate() ) as $sql ) {
			$changes = array_merge( $changes, dbDelta( $sql ) );
		}
		return $changes;
	}

	/** Creates or upgrades the current site's tables and records the version. */
	public static function install(): void {
		$from = self::installed_version();
		self::apply();
		foreach ( self::migrations() as $version => $migration ) {
			if ( '' !== $from && version_compare( $from, (string) $version, '<' ) ) {
				$migration();
			}
		}
		update_option( self::OPTION, self::VERSION, true );
		Capabilities::sync();
	}

	/**
	 * Data migrations that dbDelta cannot express, keyed by the schema version that introduces
	 * them; each runs once when upgrading from an older version.
	 *
	 * @return array<string,callable>
	 */
	private static function migrations(): array {
		return [
			'4' => static function () {
				// Logs: conversations keyed by their owner as well (issue 8.8).
				\AipkitUsage\Logs\OwnerKeyMigration::run();
				// Logs: index the short words of the exchanges that exist (issue 12.11).
				\AipkitUsage\Logs\TermIndex::start_backfill();
				// Activity: the lazily built per-day table gives way to a rollup kept with each ledger insert.
				global $wpdb;
				$wpdb->query( 'DROP TABLE IF EXISTS ' . self::table( 'ledger_daily' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared,WordPress.DB.DirectDatabaseQuery.SchemaChange -- our own table name, no input.
				\AipkitUsage\Billing\ActivityRollup::rebuild();
			},
			'6' => static function () {
				// Activity: fold every closed local day from the quarter hours once (not from the ledger);
				// from here on the cron folds each day after it closes.
				while ( \AipkitUsage\Billing\ActivityDays::fold( 366 ) > 0 ) {
					continue;
				}
			},
			'7' => static function () {
				\AipkitUsage\Billing\CounterPeriodEnds::backfill();
			},
		];
	}

	/** Runs the upgrade when the stored schema version is not the current one. */
	public static function maybe_upgrade(): bool {
		if ( self::VERSION === self::installed_version() ) {
			return false;
		}
		global $wpdb;
		$lock = 'aipkit_usage_schema_' . $wpdb->prefix;
		// GET_LOCK exists in MariaDB and MySQL; 0 = do not wait, another request is upgrading.
		if ( '1' !== (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, 0)', $lock ) ) ) {
			return false;
		}
		try {
			if ( self::VERSION !== self::installed_version() ) {
				self::install();
			}
		} finally {
			$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $lock ) );
		}
		return true;
	}

	/** Installs on every site of the network (network activation). */
	public static function install_network(): void {
		Sites::each( static fn () => self::install() );
	}

	/** New site on a network where the plugin is network-active: give it its tables. */
	public static function on_initialize_site( \WP_Site $site ): void {
		if ( ! function_exists( 'is_plugin_active_for_network' ) ) {
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
		}
		if ( ! is_plugin_active_for_network( plugin_basename( AIPKIT_USAGE_FILE ) ) ) {
			return;
		}
		switch_to_blog( (int) $site->blog_id );
		try {
			self::install();
		} finally {
			restore_current_blog();
		}
	}

	/**
	 * Deleting a site deletes its tables (WordPress core behaviour for its own tables); ours go too.
	 *
	 * @param string[] $tables
	 * @return string[]
	 */
	public static function drop_tables_with_site( array $tables, int $site_id ): array {
		global $wpdb;
		$prefix = $wpdb->get_blog_prefix( $site_id ) . 'aipkit_';
		foreach ( Tables::NAMES as $name ) {
			$tables[] = $prefix . $name;
		}
		return $tables;
	}
}
