<?php
// One generated PHP core file's per-operation speed, for same-minute A/B runs of two builds (two files
// define the same class, so each runs in its own process; alternate them):
//   php -d ffi.enable=0 -d opcache.enable_cli=1 -d opcache.jit=off bench/core/ab.php FILE [OPS|all] [PASSES]
// On-CPU µs per call over the golden vectors' successful inputs, the best of PASSES passes per operation.
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
define( 'AIPKIT_USAGE_PHP_CORE', realpath( $argv[1] ) );
foreach ( [ 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ] as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}
use AipkitUsage\Core\PhpCore;
function cpu_us(): float { $r = getrusage(); return $r['ru_utime.tv_sec'] * 1e6 + $r['ru_utime.tv_usec'] + $r['ru_stime.tv_sec'] * 1e6 + $r['ru_stime.tv_usec']; }
$want = $argv[2] ?? 'all'; $rounds = (int) ( $argv[3] ?? 5 );
$by = [];
foreach ( glob( dirname( __DIR__, 2 ) . '/tests/vectors/*.json' ) as $f ) {
	foreach ( json_decode( file_get_contents( $f ), true ) as $c ) {
		if ( is_array( $c['input'] ) && array_key_exists( 'expect', $c ) && ( 'all' === $want || in_array( $c['op'], explode( ',', $want ), true ) ) ) {
			$by[ $c['op'] ][] = [] === $c['input'] ? '{}' : json_encode( $c['input'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		}
	}
}
ksort( $by );
$core = PhpCore::instance(); $core->call_json( 'version', '{}' );
$sum = 0; $out = [];
foreach ( $by as $op => $ins ) {
	$best = INF;
	for ( $r = 0; $r < $rounds; $r++ ) {
		$c0 = cpu_us();
		foreach ( $ins as $j ) { $core->call_json( $op, $j ); }
		$best = min( $best, ( cpu_us() - $c0 ) / count( $ins ) );
	}
	$out[] = sprintf( '%s=%.0f', $op, $best ); $sum += $best;
}
printf( "%s mean=%.1f  %s\n", basename( $argv[1] ), $sum / count( $by ), implode( ' ', $out ) );
