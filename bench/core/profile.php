<?php
// Where the PHP core spends its time: samples the generated code with excimer (Debian php-excimer,
// optional; only this tool needs it) while it runs the golden vectors' inputs, and prints the
// functions by exclusive share (the sampled leaf frame), with their Rust names.
//   php -d extension=excimer -d ffi.enable=0 -d opcache.enable_cli=1 -d opcache.jit=off bench/core/profile.php [OPS] [SECONDS] [TOP]
// OPS: comma-separated operations (default authorize,settle_usage: a metered request), or "all".
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
foreach ( [ 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ] as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}
use AipkitUsage\Core\PhpCore;

if ( ! class_exists( 'ExcimerProfiler' ) ) {
	fwrite( STDERR, "needs the excimer extension (apt-get install php-excimer; php -d extension=excimer ...)\n" );
	exit( 2 );
}
$want    = $argv[1] ?? 'authorize,settle_usage';
$seconds = (float) ( $argv[2] ?? 10 );
$top     = (int) ( $argv[3] ?? 40 );
$inputs  = [];
foreach ( glob( dirname( __DIR__, 2 ) . '/tests/vectors/*.json' ) as $f ) {
	foreach ( json_decode( file_get_contents( $f ), true ) as $c ) {
		if ( is_array( $c['input'] ) && array_key_exists( 'expect', $c ) && ( 'all' === $want || in_array( $c['op'], explode( ',', $want ), true ) ) ) {
			$inputs[] = [ $c['op'], [] === $c['input'] ? '{}' : json_encode( $c['input'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) ];
		}
	}
}
$core = PhpCore::instance();
$core->call_json( 'version', '{}' );
$p = new ExcimerProfiler();
$p->setEventType( EXCIMER_CPU );
$p->setPeriod( 0.0002 );
$p->setMaxDepth( 400 );
$p->start();
$t0    = hrtime( true );
$calls = 0;
while ( ( hrtime( true ) - $t0 ) / 1e9 < $seconds ) {
	foreach ( $inputs as [ $op, $json ] ) {
		$core->call_json( $op, $json );
		++$calls;
	}
}
$p->stop();
$self  = [];
$incl  = [];
$total = 0;
foreach ( $p->getLog() as $entry ) {
	$n     = $entry->getEventCount();
	$trace = $entry->getTrace();
	if ( ! $trace ) {
		continue;
	}
	$total += $n;
	$leaf   = $trace[0]['function'] ?? '(main)';
	$self[ $leaf ] = ( $self[ $leaf ] ?? 0 ) + $n;
	$seen = [];
	foreach ( $trace as $fr ) {
		$fn = $fr['function'] ?? '(main)';
		if ( ! isset( $seen[ $fn ] ) ) {
			$seen[ $fn ]  = true;
			$incl[ $fn ] = ( $incl[ $fn ] ?? 0 ) + $n;
		}
	}
}
arsort( $self );
// Rust names from the generated file's doc comments ("/** rust::name */" above each method).
$names = [];
$src   = file( PhpCore::file_path() );
foreach ( $src as $i => $line ) {
	if ( preg_match( '/^\tprivate function (f\d+\w*)\(/', $line, $mm ) && $i > 0 && preg_match( '#^\t/\*\* (.*) \*/#', $src[ $i - 1 ], $dm ) ) {
		$names[ $mm[1] ] = $dm[1];
	}
}
printf( "# %s: %d calls in %.1f s CPU-sampled (%d samples); opcache %s, JIT %s\n", $want, $calls, $seconds, $total, ini_get( 'opcache.enable_cli' ) ? 'on' : 'off', ini_get( 'opcache.jit' ) ?: 'off' );
printf( "# %6s %6s  %s\n", 'self%', 'incl%', 'function (Rust name)' );
$k = 0;
foreach ( $self as $fn => $n ) {
	if ( $k++ >= $top ) {
		break;
	}
	printf( "  %6.1f %6.1f  %s%s\n", 100 * $n / $total, 100 * ( $incl[ $fn ] ?? 0 ) / $total, $fn, isset( $names[ $fn ] ) ? '  [' . $names[ $fn ] . ']' : '' );
}
