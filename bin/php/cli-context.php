<?php
// Shared preamble for CLI scripts that load a local WordPress (named apart from @wordpress/env): picks the install from AIPKIT_WP_DIR
// and fakes the bits of a web request WordPress reads, so CLI runs don't emit notices.
$aipkit_wp_dir = getenv('AIPKIT_WP_DIR');
if (!$aipkit_wp_dir || !is_file($aipkit_wp_dir . '/wp-config.php')) {
    fwrite(STDERR, "error: AIPKIT_WP_DIR does not point to a WordPress install with a wp-config.php (run npm start first)\n");
    exit(1);
}
$aipkit_wp_dir = rtrim($aipkit_wp_dir, '/');
$aipkit_home = null;
if (preg_match("/define\\('WP_HOME', '([^']*)'\\)/", (string) file_get_contents($aipkit_wp_dir . '/wp-config.php'), $m)) {
    $aipkit_home = $m[1];
}
$aipkit_parts = parse_url($aipkit_home ?: 'http://127.0.0.1/');
$_SERVER['HTTP_HOST'] = $aipkit_parts['host'] . (isset($aipkit_parts['port']) ? ':' . $aipkit_parts['port'] : '');
$_SERVER['SERVER_NAME'] = $aipkit_parts['host'];
$_SERVER['SERVER_PORT'] = (string) ($aipkit_parts['port'] ?? 80);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
unset($m, $aipkit_parts);

// wp_die() in a CLI run would print an HTML page and exit 0: make it a one-line error and exit 1.
// (Pre-seeding $wp_filter before WordPress loads is supported: plugin.php turns it into WP_Hook objects.)
$GLOBALS['wp_filter']['wp_die_handler'][10][] = [
    'function' => static function () {
        return static function ($message, $title = '', $args = []) {
            if (is_wp_error($message)) {
                $message = $message->get_error_message();
            }
            $text = trim(html_entity_decode(wp_strip_all_tags((string) $message), ENT_QUOTES));
            fwrite(STDERR, 'error: ' . ($text !== '' ? $text : 'wp_die() without a message') . "\n");
            exit(1);
        };
    },
    'accepted_args' => 1,
];

// WordPress logs errors to a file when WP_DEBUG_DISPLAY is off; a CLI caller must still see why it died.
register_shutdown_function(static function (): void {
    $e = error_get_last();
    if ($e && in_array($e['type'], [E_ERROR, E_PARSE, E_CORE_ERROR, E_COMPILE_ERROR, E_USER_ERROR], true)) {
        fwrite(STDERR, "PHP fatal error: {$e['message']} in {$e['file']}:{$e['line']}\n");
    }
});
