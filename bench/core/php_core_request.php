<?php
// One web request on the PHP core behind a php -S server with opcache in shared memory (bench/core/run):
// the one-time cost a request pays (load of generated/core.php + instantiation + first call) and its memory.
define('AIPKIT_USAGE_CORE_STANDALONE', true);
foreach (['CoreException','CoreBackend','LibraryCheck','Ffi','PhpCore'] as $c) require dirname( __DIR__, 2 ) . "/php-bridge/includes/Core/$c.php";
$m0 = memory_get_usage(); $t0 = hrtime(true);
$r = \AipkitUsage\Core\PhpCore::instance()->call_json('admit', '{"estimate":"1.4","balance_available":"3","quota_remaining":"10","order":"balance_first"}');
$t1 = hrtime(true); $m1 = memory_get_usage();
$t2 = hrtime(true);
for ($i = 0; $i < 20; $i++) \AipkitUsage\Core\PhpCore::instance()->call_json('admit', '{"estimate":"1.4","balance_available":"3","quota_remaining":"10","order":"balance_first"}');
$t3 = hrtime(true);
printf("first %.2f ms (load+instantiate+call), +%d KB; next calls %.1f us each; status %d\n", ($t1-$t0)/1e6, ($m1-$m0)/1024, ($t3-$t2)/1e3/20, $r[0]);
