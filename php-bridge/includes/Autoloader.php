<?php
namespace AipkitUsage;

defined( 'ABSPATH' ) || exit;

/**
 * PSR-4 loader for the plugin's own namespace. Kept tiny on purpose: Composer is not available
 * on most WordPress hosts and the plugin must work when copied as is.
 */
final class Autoloader {
	public static function register( string $prefix, string $base_dir ): void {
		spl_autoload_register(
			static function ( string $class_name ) use ( $prefix, $base_dir ): void {
				if ( 0 !== strncmp( $class_name, $prefix, strlen( $prefix ) ) ) {
					return;
				}
				$relative = substr( $class_name, strlen( $prefix ) );
				// Class names come from code, but refuse path tricks anyway.
				if ( ! preg_match( '/^[A-Za-z0-9_\\\\]+$/', $relative ) ) {
					return;
				}
				$file = $base_dir . str_replace( '\\', '/', $relative ) . '.php';
				if ( is_file( $file ) ) {
					require_once $file;
				}
			}
		);
	}
}
