<?php
namespace AipkitUsage\Logs;

/**
 * Table names for the logs area, resolved per call so a switch_to_blog() on multisite is honoured.
 * $prefix lets the benchmark work on its own copy of the two tables (bench/logs), never the site's.
 */
final class Tables {
	/** @var string|null full prefix incl. "aipkit_"-style part; null = the site's `{$wpdb->prefix}aipkit_` */
	public static $prefix = null;

	public static function logs(): string {
		return self::prefix() . 'logs';
	}

	public static function conversations(): string {
		return self::prefix() . 'conversations';
	}

	/** Short-word side index (TermIndex). */
	public static function terms(): string {
		return self::prefix() . 'log_terms';
	}

	private static function prefix(): string {
		global $wpdb;
		if ( null === self::$prefix && defined( 'AIPKIT_USAGE_BENCH_LOGS_PREFIX' ) ) {
			// Benchmark only (bench/logs serves its own tables over HTTP through a separate php -S
			// that defines this in an auto_prepend file): never set on a real site.
			self::$prefix = $wpdb->prefix . (string) AIPKIT_USAGE_BENCH_LOGS_PREFIX;
		}
		return self::$prefix ?? $wpdb->prefix . 'aipkit_';
	}
}
