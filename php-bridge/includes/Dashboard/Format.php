<?php
namespace AipkitUsage\Dashboard;

defined( 'ABSPATH' ) || exit;

/** Display helpers for the dashboard: exact credits without trailing zeros, site-time dates with the zone. */
final class Format {
	/** "12.500000" → "12.5", "-3.000000" → "-3": the stored value stays exact, only zeros go. */
	public static function credits( ?string $value ): string {
		if ( null === $value || '' === $value ) {
			return '—';
		}
		$s = str_contains( $value, '.' ) ? rtrim( rtrim( $value, '0' ), '.' ) : $value;
		return '-0' === $s ? '0' : $s;
	}

	/** Site-time date and time with the zone shown, e.g. "November 30, 2026 2:05 pm CET". */
	public static function datetime( int $unix ): string {
		$format = get_option( 'date_format', 'Y-m-d' ) . ' ' . get_option( 'time_format', 'H:i' );
		// A site on UTC+0 without a named zone reads better as "UTC" than PHP's "GMT+0000".
		$zone = '+00:00' === wp_timezone_string() ? 'UTC' : wp_date( 'T', $unix );
		return wp_date( $format, $unix ) . ' ' . $zone;
	}

	/** ISO 8601 with the site's offset, for <time datetime>. */
	public static function iso( int $unix ): string {
		return (string) wp_date( 'c', $unix );
	}

	public static function period_label( string $period ): string {
		switch ( $period ) {
			case 'daily':
				return __( 'Daily', 'aipkit-usage' );
			case 'weekly':
				return __( 'Weekly', 'aipkit-usage' );
			case 'monthly':
				return __( 'Monthly', 'aipkit-usage' );
		}
		return __( 'No reset (all time)', 'aipkit-usage' );
	}
}
