<?php
// Router for php -S: serve real files (and directories with an index.php) as they are, send everything
// else to WordPress's front controller, as Apache's rewrite rules would. Using index.php itself as router
// would break wp-admin (its scripts must run as themselves).
$docroot = $_SERVER['DOCUMENT_ROOT'];
$path = urldecode((string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if (strpos($path, "\0") === false && strpos($path, '..') === false) {
    $target = $docroot . $path;
    if (is_file($target)) {
        return false;
    }
    if (is_dir($target) && is_file(rtrim($target, '/') . '/index.php')) {
        if (substr($path, -1) !== '/') {
            header('Location: ' . $path . '/' . (isset($_SERVER['QUERY_STRING']) && $_SERVER['QUERY_STRING'] !== '' ? '?' . $_SERVER['QUERY_STRING'] : ''), true, 301);
            return true;
        }
        return false;
    }
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $docroot . '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
chdir($docroot);
require $docroot . '/index.php';
