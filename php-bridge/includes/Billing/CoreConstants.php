<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Core\PhpCore;

/**
 * The core's published constants (op `constants`): the patterns, maxima and vocabularies PHP
 * validates against, so that PHP, the core and the screens share one definition.
 *
 * They change only with the core's build, so they are kept in an autoloaded option stamped with the
 * running core file (WordPress loads it with the other options, no query of its own): a metered
 * request then spends its core calls on its two decisions only, not on reading constants.
 */
final class CoreConstants {
	public const OPTION = 'aipkit_usage_core_constants';

	private static ?array $cache = null;

	/** @return array the `constants` answer; empty when the core is unavailable (then nothing is metered anyway). */
	public static function all(): array {
		if ( null !== self::$cache ) {
			return self::$cache;
		}
		$stamp  = self::stamp();
		$stored = function_exists( 'get_option' ) ? get_option( self::OPTION ) : false;
		if ( is_array( $stored ) && ( $stored['stamp'] ?? '' ) === $stamp && is_array( $stored['constants'] ?? null ) ) {
			self::$cache = $stored['constants'];
			return self::$cache;
		}
		$c = Gateway::instance()->constants();
		if ( is_wp_error( $c ) ) {
			self::$cache = [];
			return self::$cache;
		}
		self::$cache = $c;
		if ( '' !== $stamp && function_exists( 'update_option' ) ) {
			update_option(
				self::OPTION,
				[
					'stamp'     => $stamp,
					'constants' => $c,
				],
				true
			);
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

	/** Forgets the in-process copy (tests; the stored copy is checked against the core file again). */
	public static function forget(): void {
		self::$cache = null;
	}

	/** Which core file answers in this process: backend, path, size and modification time ('' = unknown). */
	private static function stamp(): string {
		try {
			$backend = Gateway::backend();
			$file    = 'ffi' === $backend ? Ffi::library_path() : PhpCore::file_path();
		} catch ( \Throwable $e ) {
			return '';
		}
		$stat = @stat( $file ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a missing file only means "ask the core"
		return false === $stat ? '' : $backend . '|' . $file . '|' . $stat['size'] . '|' . $stat['mtime'];
	}
}
