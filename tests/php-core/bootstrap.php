<?php
// Loads only the FFI wrapper: these tests need the built library (bin/build-core), not WordPress.
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
require_once dirname( __DIR__, 2 ) . '/php-bridge/includes/Core/CoreException.php';
require_once dirname( __DIR__, 2 ) . '/php-bridge/includes/Core/Ffi.php';
