<?php
// Router of the benchmark's own php -S (bench/billing/bench.php): the site's WordPress, with the
// billing tables pointed at the benchmark's copies (AIPKIT_BENCH_PREFIX) before any request reads
// them, so the Activity screen's REST calls are measured over HTTP at a million ledger rows
// without touching the site's own ledger. Static files and everything else as bin/router.php.
$aipkit_bench_prefix = getenv( 'AIPKIT_BENCH_PREFIX' );
if ( $aipkit_bench_prefix ) {
	// WordPress turns pre-set $wp_filter arrays into hooks when it loads (WP_Hook::build_preinitialized_hooks).
	// phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- set before WordPress loads, which turns it into a hook.
	$GLOBALS['wp_filter']['plugins_loaded'][0][] = [
		'function'      => static function () use ( $aipkit_bench_prefix ) {
			\AipkitUsage\Billing\Tables::$prefix = $aipkit_bench_prefix;
		},
		'accepted_args' => 0,
	];
}
unset( $aipkit_bench_prefix );
return require dirname( __DIR__, 2 ) . '/bin/router.php';
