<?php
// The generated PHP core's cost in x86 instructions per core call: deterministic where wall time on a
// shared machine is not. Run through bench/core/instructions.sh (callgrind counts only the callbacks
// of the array_map below: compiling the file and the warm-up call are left out).
//   php ... bench/core/instructions.php CORE.php ROUNDS [metered|all|mean]
// mean: the successful vector inputs with every operation weighted equally (each input repeated
// about 60/k times for an operation with k inputs), the measure behind backends.php's "mean".
// Prints the md5 of every answer (compare two generators: same md5, same answers) and the call count.
define( 'AIPKIT_USAGE_CORE_STANDALONE', true );
define( 'AIPKIT_USAGE_PHP_CORE', $argv[1] );
foreach ( [ 'CoreException', 'CoreBackend', 'LibraryCheck', 'Ffi', 'PhpCore' ] as $c ) {
	require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
}
use AipkitUsage\Core\PhpCore;

$rounds = (int) ( $argv[2] ?? 1 );
$which  = $argv[3] ?? 'metered';
$inputs = [];
foreach ( glob( dirname( __DIR__, 2 ) . '/tests/vectors/*.json' ) as $f ) {
	foreach ( json_decode( file_get_contents( $f ), true ) as $c ) {
		if ( 'mean' === $which && ! array_key_exists( 'expect', $c ) ) {
			continue;
		}
		if ( is_array( $c['input'] ) && ( 'metered' !== $which || in_array( $c['op'], [ 'authorize', 'settle_usage' ], true ) ) ) {
			$inputs[] = [ $c['op'], [] === $c['input'] ? '{}' : json_encode( $c['input'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) ];
		}
	}
}
if ( 'mean' === $which ) {
	$per_op = array_count_values( array_column( $inputs, 0 ) );
	$weighted = [];
	foreach ( $inputs as $in ) {
		for ( $i = max( 1, (int) round( 60 / $per_op[ $in[0] ] ) ); $i > 0; $i-- ) {
			$weighted[] = $in;
		}
	}
	$inputs = $weighted;
}
$core    = PhpCore::instance();
$answers = '';
foreach ( $inputs as [ $op, $json ] ) {
	$answers .= implode( '|', $core->call_json( $op, $json ) );
}
$calls = 0;
array_map(
	function () use ( $inputs, $core, &$calls ) {
		foreach ( $inputs as [ $op, $json ] ) {
			$core->call_json( $op, $json );
			++$calls;
		}
	},
	$rounds > 0 ? range( 1, $rounds ) : []
);
echo md5( $answers ), ' inputs=', count( $inputs ), ' calls=', $calls, "\n";
