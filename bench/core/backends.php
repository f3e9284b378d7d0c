<?php
// Both PHP backends side by side (docs/core.md): per-operation µs over the golden vectors' inputs
// (on-CPU time, robust to a busy machine), and the one-time cost a request pays for the PHP core
// (load of php-bridge/generated/core.php + instantiation + first call) with its memory.
//   php -d ffi.enable=1 -d opcache.enable_cli=1 [-d opcache.jit=tracing -d opcache.jit_buffer_size=64M] bench/core/backends.php ops [ROUNDS]
//   php ... bench/core/backends.php load
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
foreach ( array( 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ) as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}
use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\PhpCore;

function cpu_us(): float {
	$r = getrusage();
	return $r['ru_utime.tv_sec'] * 1e6 + $r['ru_utime.tv_usec'] + $r['ru_stime.tv_sec'] * 1e6 + $r['ru_stime.tv_usec'];
}

$mode = $argv[1] ?? 'ops';
if ( 'load' === $mode ) {
	$m0 = memory_get_usage();
	$t0 = hrtime( true );
	$c0 = cpu_us();
	$r  = PhpCore::instance()->call_json( 'admit', '{"estimate":"1.4","balance_available":"3","quota_remaining":"10","order":"balance_first"}' );
	$c1 = cpu_us();
	$t1 = hrtime( true );
	printf( "php core per-request set-up (load + instantiate + first admit): %.2f ms wall, %.2f ms CPU, +%d KB PHP memory (peak %d KB); opcache %s\n", ( $t1 - $t0 ) / 1e6, ( $c1 - $c0 ) / 1e3, ( memory_get_usage() - $m0 ) / 1024, memory_get_peak_usage() / 1024, ( function_exists( 'opcache_get_status' ) && ( opcache_get_status( false )['opcache_enabled'] ?? false ) ) ? 'on' : 'off' );
	exit( 0 === $r[0] ? 0 : 1 );
}

$rounds = (int) ( $argv[2] ?? 5 );
$by_op  = array();
foreach ( glob( dirname( __DIR__, 2 ) . '/tests/vectors/*.json' ) as $f ) {
	foreach ( json_decode( file_get_contents( $f ), true ) as $c ) {
		if ( is_array( $c['input'] ) && array_key_exists( 'expect', $c ) ) {
			$by_op[ $c['op'] ][] = array() === $c['input'] ? '{}' : json_encode( $c['input'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		}
	}
}
ksort( $by_op );
$ptext = Ffi::text_request( array( 'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'input_tokens' => 800, 'output_tokens' => 300 ), "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t" );
$jit   = (string) ini_get( 'opcache.jit' );
printf( "%-18s %10s %10s %8s   (µs per call, on-CPU, successful vector inputs; opcache %s, JIT %s)\n", 'operation', 'ffi', 'php', 'ratio', ini_get( 'opcache.enable_cli' ) ? 'on' : 'off', ( '' === $jit || '0' === $jit || 'off' === $jit || ! (int) ini_get( 'opcache.jit_buffer_size' ) ) ? 'off' : $jit );
$backends = array( 'ffi' => Ffi::instance(), 'php' => PhpCore::instance() );
foreach ( $backends as $b ) {
	$b->call_json( 'version', '{}' );
}
$sum = array( 'ffi' => 0, 'php' => 0 );
$all = $by_op + array( 'price_text (compact)' => array( $ptext ) );
foreach ( $all as $op => $inputs ) {
	$us = array();
	foreach ( $backends as $name => $b ) {
		$n  = 0;
		$c0 = cpu_us();
		for ( $r = 0; $r < $rounds; $r++ ) {
			foreach ( $inputs as $j ) {
				'price_text (compact)' === $op ? $b->price_text( $j ) : $b->call_json( $op, $j );
				++$n;
			}
		}
		$us[ $name ]  = ( cpu_us() - $c0 ) / $n;
		$sum[ $name ] += $us[ $name ];
	}
	printf( "%-18s %10.1f %10.1f %7.0fx\n", $op, $us['ffi'], $us['php'], $us['php'] / max( $us['ffi'], 0.01 ) );
}
printf( "%-18s %10.1f %10.1f   (target: php <= 150 µs per operation without JIT)\n", 'mean', $sum['ffi'] / count( $all ), $sum['php'] / count( $all ) );
