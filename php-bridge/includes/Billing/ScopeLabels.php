<?php
namespace AipkitUsage\Billing;

/**
 * What the screens show instead of raw keys: "Chatbot · Sales assistant" for the scope
 * "chatbot:demo-sales", "Week of November 30, 2026" for the period key "W2026-11-30".
 * The keys stay in the data (they identify the counter); people read the labels.
 */
final class ScopeLabels {
	/** @return array<string,string> module => label (the modules Logs knows, filterable by aipkit_usage_modules) */
	public static function modules(): array {
		return \AipkitUsage\Logs\Catalog::registered_modules();
	}

	/** "Chatbot", "Chatbot · Sales assistant" (the bot's registered name, else its id). */
	public static function scope( string $scope ): string {
		$parts  = explode( ':', $scope, 2 );
		$module = self::modules()[ $parts[0] ] ?? $parts[0];
		if ( ! isset( $parts[1] ) || '' === $parts[1] ) {
			return $module;
		}
		$name = $parts[1];
		foreach ( ModelCatalog::bots() as $b ) {
			if ( $b['module'] === $parts[0] && $b['bot_id'] === $parts[1] ) {
				$name = $b['name'];
				break;
			}
		}
		/* translators: 1: module name, 2: bot name */
		return sprintf( __( '%1$s · %2$s', 'aipkit-usage' ), $module, $name );
	}

	/** A period key in words, in the site's date format. */
	public static function period( string $key ): string {
		$fmt = (string) get_option( 'date_format', 'F j, Y' );
		$utc = new \DateTimeZone( 'UTC' );
		if ( preg_match( '/^W(\d{4}-\d{2}-\d{2})$/', $key, $m ) ) {
			/* translators: %s: the date the week starts */
			return sprintf( __( 'Week of %s', 'aipkit-usage' ), wp_date( $fmt, ( new \DateTimeImmutable( $m[1], $utc ) )->getTimestamp(), $utc ) );
		}
		if ( preg_match( '/^\d{4}-\d{2}-\d{2}$/', $key ) ) {
			return (string) wp_date( $fmt, ( new \DateTimeImmutable( $key, $utc ) )->getTimestamp(), $utc );
		}
		if ( preg_match( '/^\d{4}-\d{2}$/', $key ) ) {
			return (string) wp_date( 'F Y', ( new \DateTimeImmutable( $key . '-01', $utc ) )->getTimestamp(), $utc );
		}
		return __( 'All time (no reset)', 'aipkit-usage' );
	}
}
