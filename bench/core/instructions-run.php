<?php
// Runs the vectors' inputs of OPS through one generated PHP core file ROUNDS times (for bench/core/instructions.sh).
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
define( 'AIPKIT_USAGE_PHP_CORE', realpath( $argv[1] ) );
foreach ( [ 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ] as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}
use AipkitUsage\Core\PhpCore;
$want = $argv[2]; $n = (int) $argv[3];
$ins = [];
foreach ( glob( dirname( __DIR__, 2 ) . '/tests/vectors/*.json' ) as $f ) {
	foreach ( json_decode( file_get_contents( $f ), true ) as $c ) {
		if ( is_array( $c['input'] ) && array_key_exists( 'expect', $c ) && ( 'all' === $want || in_array( $c['op'], explode( ',', $want ), true ) ) ) {
			$ins[] = [ $c['op'], [] === $c['input'] ? '{}' : json_encode( $c['input'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) ];
		}
	}
}
$core = PhpCore::instance();
for ( $r = 0; $r < $n; $r++ ) { foreach ( $ins as [ $op, $j ] ) { $core->call_json( $op, $j ); } }
fwrite( STDERR, count( $ins ) . " inputs\n" );
