<?php
// Installs WordPress into the database named by the install's wp-config.php (no-op when installed),
// sets pretty permalinks and makes the admin password match the one in .local/credentials.
require __DIR__ . '/cli-context.php';

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

// A site whose active theme is missing or broken serves every front-end page as an empty 200.
// Switch to a bundled default theme when the active one is gone (copies made before the theme was
// installed); exit 3 (bin/lib/wordpress.sh prints the one-line reason) when there is none at all.
$theme = wp_get_theme();
if (!$theme->exists() || $theme->errors()) {
    $usable = null;
    foreach (['twentytwentyfive', 'twentytwentyfour', 'twentytwentythree'] as $candidate) {
        $t = wp_get_theme($candidate);
        if ($t->exists() && !$t->errors()) {
            $usable = $candidate;
            break;
        }
    }
    if (null === $usable) {
        exit(3);
    }
    switch_theme($usable);
    echo "theme set to {$usable} (the active theme was missing)\n";
}

// Installation mails go nowhere on a local site; WordPress calls this from wp_install().
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
