<?php
// auto_prepend_file of the benchmark's own php -S (bench/logs/bench.php): the Logs area of that
// server reads and writes the benchmark tables ({prefix}aipkit_bench_*), never the site's.
define( 'AIPKIT_USAGE_BENCH_LOGS_PREFIX', 'aipkit_bench_' );
