<?php
namespace AipkitUsage\Logs;

/**
 * Table names for the logs area, resolved per call so a switch_to_blog()
 * on multisite (or a bench prefix) is honoured.
 */
final class Tables {
	public static function logs(): string {
		global $wpdb;
		return $wpdb->prefix . 'aipkit_logs';
	}

	public static function conversations(): string {
		global $wpdb;
		return $wpdb->prefix . 'aipkit_conversations';
	}
}
