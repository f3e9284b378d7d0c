<?php
// Loads only the core's PHP classes: these tests need the built core (bin/build-core: the native
// library and php-bridge/generated/core.php), not WordPress.
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
foreach ( array( 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ) as $aipkit_class ) {
	require_once dirname( __DIR__, 2 ) . '/php-bridge/includes/Core/' . $aipkit_class . '.php';
}
unset( $aipkit_class );
