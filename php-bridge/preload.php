<?php
/**
 * opcache.preload entry for hosts that keep ffi.enable=preload.
 *
 * With ffi.enable=preload only preloaded code may call FFI, so the one class that touches FFI
 * (AipkitUsage\Core\Ffi) is compiled here; it then uses the scope declared by ffi.preload.
 * The files are compiled, not executed: WordPress is not loaded yet.
 *
 * ffi.preload must name lib/aipkit_core.preload.h, not aipkit_core.h: bin/build-core writes that
 * copy with the library's absolute path in FFI_LIB, and PHP resolves a relative FFI_LIB against the
 * working directory of the PHP process.
 *
 * php.ini:
 *   ffi.enable=preload
 *   ffi.preload=/path/to/wp-content/plugins/aipkit-usage/lib/aipkit_core.preload.h
 *   opcache.enable=1
 *   opcache.preload=/path/to/wp-content/plugins/aipkit-usage/preload.php
 *   opcache.preload_user=www-data
 */
if ( ! function_exists( 'opcache_compile_file' ) ) {
	return;
}
// Ffi implements CoreBackend: the interface (and what Ffi uses) must be compiled before it.
foreach ( [ 'CoreException.php', 'CoreBackend.php', 'LibraryCheck.php', 'Ffi.php' ] as $aipkit_usage_file ) {
	$aipkit_usage_path = __DIR__ . '/includes/Core/' . $aipkit_usage_file;
	if ( is_file( $aipkit_usage_path ) ) {
		opcache_compile_file( $aipkit_usage_path );
	}
}
