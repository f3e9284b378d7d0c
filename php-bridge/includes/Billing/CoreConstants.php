<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;

/**
 * The core's published constants (op `constants`), read once per process: the patterns, maxima and
 * vocabularies PHP validates against, so that PHP, the core and the screens share one definition.
 */
final class CoreConstants {
	private static ?array $cache = null;

	/** @return array the `constants` answer; empty when the core is unavailable (then nothing is metered anyway). */
	public static function all(): array {
		if ( null === self::$cache ) {
			$c           = Gateway::instance()->constants();
			self::$cache = is_wp_error( $c ) ? [] : $c;
		}
		return self::$cache;
	}

	/** One constant, or $fallback when the core could not be asked. */
	public static function get( string $name, $fallback ) {
		return self::all()[ $name ] ?? $fallback;
	}

	/** A published regular expression as a PHP pattern. */
	public static function pattern( string $name, string $fallback ): string {
		return '/' . str_replace( '/', '\\/', (string) self::get( $name, $fallback ) ) . '/';
	}
}
