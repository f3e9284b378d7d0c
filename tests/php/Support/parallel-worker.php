<?php
// One process of TestCase::runParallel(): load the test WordPress, signal ready, wait for the common
// start signal, run the test's script at global scope, print its result as JSON.
// argv: FILE INDEX ARGS_JSON BARRIER
[, $aipkit_worker_file, $aipkit_worker_index, $aipkit_worker_args_json, $aipkit_worker_barrier] = $argv;
$aipkit_worker_index = (int) $aipkit_worker_index;
$aipkit_worker_args = json_decode($aipkit_worker_args_json, true);

require dirname(__DIR__, 3) . '/bin/php/cli-context.php';
require $aipkit_wp_dir . '/wp-load.php';

touch($aipkit_worker_barrier . '.ready.' . $aipkit_worker_index);
$aipkit_worker_deadline = microtime(true) + 60;
while (!file_exists($aipkit_worker_barrier . '.go')) {
    if (microtime(true) > $aipkit_worker_deadline) {
        fwrite(STDERR, "worker {$aipkit_worker_index}: no start signal within 60 s\n");
        exit(3);
    }
    usleep(500);
}

ob_start();
$aipkit_worker_result = require $aipkit_worker_file;
$aipkit_worker_printed = ob_get_clean();
if ($aipkit_worker_result === 1 || $aipkit_worker_result === null) {
    echo $aipkit_worker_printed; // the script printed its own JSON
} else {
    echo json_encode($aipkit_worker_result);
}
