<?php
/**
 * PHP side of the core benchmark:
 *   php -d ffi.enable=1 bench/core/quote_ffi.php quote N     quote() through FFI vs a plain-PHP float baseline
 *   php -d ffi.enable=1 bench/core/quote_ffi.php memory N    N FFI calls (aipkit_call and aipkit_price_text, valid and invalid mixed), memory figures
 */
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
// The classes Ffi needs (its interface and the library check), as tests/php-core/bootstrap.php loads them.
foreach ( array( 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi' ) as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}

use AipkitUsage\Core\CoreException;
use AipkitUsage\Core\Ffi;

$mode = $argv[1] ?? 'quote';
$n    = (int) ( $argv[2] ?? 300000 );
$req  = array(
	'rules' => array( array( 'id' => 7, 'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2' ) ),
	'usage' => array( 'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'input_tokens' => 800, 'output_tokens' => 300 ),
);
$ffi = Ffi::instance();

/** The same formula in plain PHP floats (what a pure-PHP plugin does): not exact, shown as a speed baseline. */
function php_float_quote( array $req ): array {
	$u    = $req['usage'];
	$rule = null;
	foreach ( $req['rules'] as $r ) {
		if ( $r['usage_type'] === $u['usage_type'] && strtolower( trim( $r['provider'] ) ) === strtolower( trim( $u['provider'] ) ) && ( $r['model'] === $u['model'] || ( null === $rule && '*' === $r['model'] ) ) ) {
			$rule = $r;
		}
	}
	$in  = $u['input_tokens'] / 1000 * (float) $rule['input_rate'];
	$out = $u['output_tokens'] / 1000 * (float) $rule['output_rate'];
	return array(
		'credits'   => number_format( round( $in + $out, 6 ), 6, '.', '' ),
		'breakdown' => array(
			array( 'label' => 'Input', 'calculation' => "{$u['input_tokens']} / 1000 × {$rule['input_rate']}", 'amount' => (string) $in ),
			array( 'label' => 'Output', 'calculation' => "{$u['output_tokens']} / 1000 × {$rule['output_rate']}", 'amount' => (string) $out ),
		),
	);
}

/** On-CPU ns of this thread: comparable figures even when other processes compete for the cores. */
function cpu_ns(): int {
	return (int) explode( ' ', (string) file_get_contents( '/proc/thread-self/schedstat' ) )[0];
}

function rss_kb(): int {
	preg_match( '/^VmRSS:\s+(\d+)/m', (string) file_get_contents( '/proc/self/status' ), $m );
	return (int) $m[1];
}

if ( 'quote' === $mode ) {
	if ( '1.400000' !== $ffi->call( 'quote', $req )['credits'] || '1.400000' !== php_float_quote( $req )['credits'] ) {
		fwrite( STDERR, "wrong result\n" );
		exit( 1 );
	}
	for ( $i = 0; $i < 20000; $i++ ) {
		$ffi->call( 'quote', $req );
	}
	$t = hrtime( true );
	$c = cpu_ns();
	for ( $i = 0; $i < $n; $i++ ) {
		$r = $ffi->call( 'quote', $req );
	}
	$s  = ( hrtime( true ) - $t ) / 1e9;
	$cs = ( cpu_ns() - $c ) / 1e9;
	printf( "php-ffi    %12.0f req/s %8.3f us/call %8.3f cpu-us/call  (Ffi::call: json_encode + aipkit_call + aipkit_free + json_decode, %d calls)\n", $n / $s, $s * 1e6 / $n, $cs * 1e6 / $n, $n );
	$t = hrtime( true );
	$c = cpu_ns();
	for ( $i = 0; $i < $n; $i++ ) {
		$r = $ffi->call( 'price', $req );
	}
	$s  = ( hrtime( true ) - $t ) / 1e9;
	$cs = ( cpu_ns() - $c ) / 1e9;
	printf( "php-ffi-price%10.0f req/s %8.3f us/call %8.3f cpu-us/call  (Ffi::call('price'): lean answer, same credits)\n", $n / $s, $s * 1e6 / $n, $cs * 1e6 / $n );
	$rules_text = Ffi::text_rules( $req['rules'] ); // once per rule set, as a caller caches it
	if ( '1.400000' !== $ffi->price_text( Ffi::text_request( $req['usage'], $rules_text ) )['credits'] ) {
		fwrite( STDERR, "wrong result\n" );
		exit( 1 );
	}
	$t = hrtime( true );
	$c = cpu_ns();
	for ( $i = 0; $i < $n; $i++ ) {
		$r = $ffi->price_text( Ffi::text_request( $req['usage'], $rules_text ) );
	}
	$s  = ( hrtime( true ) - $t ) / 1e9;
	$cs = ( cpu_ns() - $c ) / 1e9;
	printf( "php-ffi-ptext%10.0f req/s %8.3f us/call %8.3f cpu-us/call  (Ffi::price_text(textRequest(usage, cached rules)): the hot path, answer array)\n", $n / $s, $s * 1e6 / $n, $cs * 1e6 / $n );
	$json = json_encode( $req );
	$t    = hrtime( true );
	$c    = cpu_ns();
	for ( $i = 0; $i < $n; $i++ ) {
		$r = $ffi->call_json( 'quote', $json );
	}
	$s  = ( hrtime( true ) - $t ) / 1e9;
	$cs = ( cpu_ns() - $c ) / 1e9;
	printf( "php-ffi-raw%12.0f req/s %8.3f us/call %8.3f cpu-us/call  (pre-encoded JSON, response left undecoded)\n", $n / $s, $s * 1e6 / $n, $cs * 1e6 / $n );
	$t = hrtime( true );
	$c = cpu_ns();
	for ( $i = 0; $i < $n; $i++ ) {
		$r = php_float_quote( $req );
	}
	$s  = ( hrtime( true ) - $t ) / 1e9;
	$cs = ( cpu_ns() - $c ) / 1e9;
	printf( "php-float  %12.0f req/s %8.3f us/call %8.3f cpu-us/call  (plain PHP floats, baseline; not exact)\n", $n / $s, $s * 1e6 / $n, $cs * 1e6 / $n );
	exit( 0 );
}

// memory: valid and invalid inputs mixed, figures every tenth of the run.
$bad = array(
	array( 'admit', array( 'estimate' => 'NaN', 'balance_available' => '1', 'quota_remaining' => null, 'order' => 'balance_first' ) ),
	array( 'quote', array( 'rules' => array(), 'usage' => array( 'usage_type' => 'speech' ) ) ),
	array( 'settle', array( 'hold_balance' => '-1' ) ),
	array( 'nope', array() ),
);
$good = array(
	array( 'quote', $req ),
	array( 'admit', array( 'estimate' => '1.4', 'balance_available' => '3', 'quota_remaining' => '10', 'order' => 'balance_first' ) ),
	array( 'csv_rows', array( 'rows' => array( array( 'a', '=1+2', "x\ny" ) ) ) ),
);
// The compact entry (aipkit_price_text) is part of the mix: its buffers are freed by the same rule.
$text     = Ffi::text_request( $req['usage'], Ffi::text_rules( $req['rules'] ) );
$bad_text = "chat\topenai\tgpt-4o\t-1\t\t\t";
for ( $i = 0; $i < 5000; $i++ ) {
	$ffi->call( 'quote', $req );
	$ffi->price_text( $text );
}
$rss0 = rss_kb();
$mem0 = memory_get_usage();
$errs = 0;
$t    = hrtime( true );
printf( "memory     %10s %12s %12s\n", 'calls', 'VmRSS KB', 'php bytes' );
printf( "memory     %10d %12d %12d\n", 0, $rss0, $mem0 );
for ( $i = 1; $i <= $n; $i++ ) {
	try {
		if ( 0 === $i % 5 ) {
			$ffi->price_text( 0 === $i % 10 ? $bad_text : $text );
		} else {
			[ $op, $in ] = ( 0 === $i % 2 ) ? $bad[ $i % 4 ] : $good[ $i % 3 ];
			$ffi->call( $op, $in );
		}
	} catch ( CoreException $e ) {
		$errs++;
	}
	if ( 0 === $i % (int) max( 1, $n / 10 ) ) {
		printf( "memory     %10d %12d %12d\n", $i, rss_kb(), memory_get_usage() );
	}
}
$s = ( hrtime( true ) - $t ) / 1e9;
printf( "memory: %d calls (aipkit_call and aipkit_price_text; %d answered with core errors) in %.1f s; VmRSS %+d KB, PHP memory %+d bytes\n", $n, $errs, $s, rss_kb() - $rss0, memory_get_usage() - $mem0 );
