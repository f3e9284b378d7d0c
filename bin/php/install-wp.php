<?php
// Installs WordPress into the database named by the install's wp-config.php (no-op when installed),
// sets pretty permalinks and makes the admin password match the one in .local/credentials.
require __DIR__ . '/wp-env.php';

define('WP_INSTALLING', true);
require $aipkit_wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$title = getenv('AIPKIT_SITE_TITLE') ?: 'AIPKit Usage (local)';
$password = (string) getenv('AIPKIT_INSTALL_PASSWORD');
if ($password === '') {
    fwrite(STDERR, "error: AIPKIT_INSTALL_PASSWORD is empty\n");
    exit(1);
}

if (!is_blog_installed()) {
    $result = wp_install($title, 'admin', 'admin@example.test', false, '', wp_slash($password));
    if (is_wp_error($result) || empty($result['user_id'])) {
        fwrite(STDERR, "error: wp_install failed\n");
        exit(1);
    }
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure('/%postname%/');
    $wp_rewrite->flush_rules(false);
    echo "installed WordPress ({$title})\n";
} else {
    $user = get_user_by('login', 'admin');
    if ($user && !wp_check_password($password, $user->user_pass, $user->ID)) {
        wp_set_password($password, $user->ID);
        echo "admin password updated to the one in credentials\n";
    }
}

// Installation mails go nowhere on a local site; WordPress calls this from wp_install().
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
