<?php
namespace AipkitUsage\Tests\Infra;

use AipkitUsage\Tests\TestCase;

/**
 * The base test case's promises: writes roll back, hooks don't leak, the plugin's own transactions
 * nest as savepoints, the bootstrap didn't wipe WordPress globals. Tests run in file order.
 */
final class TestCaseIsolationTest extends TestCase
{
    public function testWritesAndHooksInOneTest(): void
    {
        update_option('aipkit_infra_probe', 'written');
        add_filter('aipkit_infra_probe_filter', '__return_true');
        $this->assertSame('written', get_option('aipkit_infra_probe'));
        $this->assertTrue(has_filter('aipkit_infra_probe_filter'));
    }

    public function testAreGoneInTheNext(): void
    {
        $this->assertFalse(get_option('aipkit_infra_probe'));
        $this->assertFalse(has_filter('aipkit_infra_probe_filter'));
    }

    public function testInnerTransactionsBecomeSavepoints(): void
    {
        global $wpdb;
        $wpdb->insert($wpdb->options, ['option_name' => 'aipkit_outer', 'option_value' => '1', 'autoload' => 'no']);
        $wpdb->query('START TRANSACTION');
        $wpdb->insert($wpdb->options, ['option_name' => 'aipkit_inner_rolled_back', 'option_value' => '1', 'autoload' => 'no']);
        $wpdb->query('ROLLBACK');
        $wpdb->query('START TRANSACTION');
        $wpdb->insert($wpdb->options, ['option_name' => 'aipkit_inner_committed', 'option_value' => '1', 'autoload' => 'no']);
        $wpdb->query('COMMIT');

        $names = $wpdb->get_col("SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'aipkit\\_inner%' OR option_name = 'aipkit_outer' ORDER BY option_name");
        $this->assertSame(['aipkit_inner_committed', 'aipkit_outer'], $names);
        $this->assertSame('', $wpdb->last_error);
    }

    public function testBootstrapKeptWordPressGlobals(): void
    {
        $this->assertTrue(shortcode_exists('caption'), 'core shortcodes must survive the PHPUnit bootstrap');
        $this->assertTrue(is_plugin_active('aipkit-usage/aipkit-usage.php'));
        $this->assertSame('/%postname%/', get_option('permalink_structure'));
    }
}
