<?php
namespace AipkitUsage\Core;

// phpcs:disable WordPress.PHP.NoSilencedErrors.Discouraged, WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- checks the plugin's own local library files before loading them; every failure is checked and explained, and a PHP warning would print paths before WordPress can report it.

defined( 'ABSPATH' ) || defined( 'AIPKIT_USAGE_CORE_STANDALONE' ) || exit;

/**
 * Checks the native library file before FFI maps it: a truncated or corrupt file (a partial upload)
 * would kill PHP with SIGBUS inside dlopen, on every request. bin/build-core records the size,
 * sha256, ABI version and machine in libaipkit_usage.json beside the library.
 *
 * Every request checks the size and the ELF header (cheap); the sha256 is computed again only when
 * the file's size/mtime/inode differ from the last verified ones (kept in a WordPress option).
 */
final class LibraryCheck {
	private const OPTION = 'aipkit_usage_lib_verified';

	/** @var array<string,?string> verdict per path for this process */
	private static array $seen = [];

	public static function manifest_path( string $lib ): string {
		return preg_replace( '/\.so$/', '', $lib ) . '.json';
	}

	/** Null when the file may be loaded, else the reason (never throws). */
	public static function problem( string $lib ): ?string {
		if ( array_key_exists( $lib, self::$seen ) ) {
			return self::$seen[ $lib ];
		}
		self::$seen[ $lib ] = self::detect( $lib );
		return self::$seen[ $lib ];
	}

	public static function forget(): void {
		self::$seen = [];
	}

	private static function detect( string $lib ): ?string {
		clearstatcache( true, $lib );
		$stat = @stat( $lib );
		if ( false === $stat ) {
			return 'The core library ' . $lib . ' is missing.';
		}
		$manifest_file = self::manifest_path( $lib );
		$raw           = @file_get_contents( $manifest_file );
		$manifest      = false === $raw ? null : json_decode( $raw, true );
		if ( ! is_array( $manifest ) || ! isset( $manifest['size'], $manifest['sha256'], $manifest['abi'] ) ) {
			return 'The core library\'s build record ' . $manifest_file . ' is missing or unreadable; rebuild (npm run build) or reinstall the plugin.';
		}
		if ( (int) $manifest['size'] !== (int) $stat['size'] ) {
			return sprintf( 'The core library %s is %d bytes but was built as %d bytes (truncated or replaced: a partial upload?); reinstall the plugin.', $lib, $stat['size'], $manifest['size'] );
		}
		if ( Ffi::ABI_VERSION !== (int) $manifest['abi'] ) {
			return sprintf( 'The core library %s has ABI version %d but this plugin needs %d; rebuild or reinstall the plugin.', $lib, $manifest['abi'], Ffi::ABI_VERSION );
		}
		$head = @file_get_contents( $lib, false, null, 0, 20 );
		if ( false === $head || 20 !== strlen( $head ) || "\x7fELF" !== substr( $head, 0, 4 ) ) {
			return 'The core library ' . $lib . ' is not an ELF shared library (corrupt file?); reinstall the plugin.';
		}
		// EI_CLASS 2 = 64-bit, EI_DATA 1 = little-endian; e_machine at offset 18.
		$machine  = unpack( 'v', substr( $head, 18, 2 ) )[1];
		$machines = [
			'x86_64'  => 62,
			'aarch64' => 183,
		];
		if ( "\x02" !== $head[4] || "\x01" !== $head[5] || ( isset( $machines[ php_uname( 'm' ) ] ) && $machines[ php_uname( 'm' ) ] !== $machine ) ) {
			return 'The core library ' . $lib . ' was built for another machine type than this server (' . php_uname( 'm' ) . '); rebuild it here or use the PHP core.';
		}
		$signature = $stat['size'] . ':' . $stat['mtime'] . ':' . $stat['ino'] . ':' . $manifest['sha256'];
		$verified  = function_exists( 'get_option' ) ? get_option( self::OPTION, '' ) : '';
		if ( $verified === $signature ) {
			return null;
		}
		if ( ! hash_equals( (string) $manifest['sha256'], (string) hash_file( 'sha256', $lib ) ) ) {
			return 'The core library ' . $lib . ' does not match its build checksum (corrupt file); reinstall the plugin.';
		}
		if ( function_exists( 'update_option' ) ) {
			update_option( self::OPTION, $signature, true );
		}
		return null;
	}
}
