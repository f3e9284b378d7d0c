<?php
// bin/site-php FILE [args]: runs FILE with WordPress loaded, at global scope like wp eval-file.
// Inside FILE, $argv/$argc are FILE's own (FILE first), as if it had been run with php directly.
require __DIR__ . '/cli-context.php';
if ($argc < 2) {
    fwrite(STDERR, "usage: bin/site-php FILE.php [args...]\n");
    exit(2);
}
$aipkit_file = $argv[1];
if (!is_file($aipkit_file)) {
    fwrite(STDERR, "error: {$aipkit_file} not found\n");
    exit(2);
}
$aipkit_file = realpath($aipkit_file);
$argv = array_slice($argv, 1);
$argc = count($argv);
$_SERVER['argv'] = $argv;
$_SERVER['argc'] = $argc;
require $aipkit_wp_dir . '/wp-load.php';
require $aipkit_file;
