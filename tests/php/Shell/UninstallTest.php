<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Capabilities;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Settings;
use AipkitUsage\Tests\TestCase;

/**
 * Runs the real uninstall.php in a separate PHP process against the test database, then checks
 * what stayed and what went. Uninstall commits (and may DROP), so this test is not transactional:
 * it snapshots the options it will lose and restores them and the tables afterwards.
 */
final class UninstallTest extends TestCase
{
    /** @var array<int,array<string,string>> */
    private array $snapshot = [];

    protected function transactional(): bool
    {
        return false;
    }

    protected function setUp(): void
    {
        parent::setUp();
        global $wpdb;
        $this->snapshot = $wpdb->get_results($wpdb->prepare(
            "SELECT option_name, option_value, autoload FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name IN (%s, 'cron')",
            $wpdb->esc_like('aipkit_usage_') . '%',
            $wpdb->prefix . 'user_roles'
        ), ARRAY_A);
    }

    protected function tearDown(): void
    {
        global $wpdb;
        Schema::apply(); // recreate dropped tables (DDL; nothing else is pending)
        $wpdb->query($wpdb->prepare("DELETE FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like('aipkit_usage_') . '%'));
        foreach ($this->snapshot as $row) {
            $wpdb->replace($wpdb->options, $row);
        }
        wp_cache_flush();
        wp_roles()->for_site();
        parent::tearDown();
    }

    private function runUninstall(): void
    {
        $env = getenv();
        $env['AIPKIT_WP_DIR'] = getenv('AIPKIT_TEST_WP_DIR');
        $proc = proc_open([PHP_BINARY, '-d', 'ffi.enable=1', __DIR__ . '/fixtures/run-uninstall.php'],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($proc), $out);
        $this->assertStringContainsString('uninstalled', $out);
        wp_cache_flush();
        wp_roles()->for_site();
    }

    private function arrange(bool $deleteData): void
    {
        global $wpdb;
        Settings::update(['delete_data_on_uninstall' => $deleteData]);
        update_option('aipkit_usage_shell_probe', 'x');
        set_transient('aipkit_usage_shell_probe', 'x', 600);
        wp_schedule_event(time() + 3600, 'daily', 'aipkit_usage_shell_probe_event');
        update_option('unrelated_option_shell_probe', 'stays');
        $wpdb->insert($wpdb->prefix . 'aipkit_ledger', ['created_at' => gmdate('Y-m-d H:i:s'), 'kind' => 'purchase',
            'user_id' => 1, 'amount' => '5.000000', 'idempotency_key' => 'purchase:shell:1']);
        $this->assertTrue(get_role('administrator')->has_cap(Capabilities::VIEW_USAGE));
    }

    private function assertSettingsCapsAndEventsGone(): void
    {
        global $wpdb;
        $left = $wpdb->get_col($wpdb->prepare("SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
            $wpdb->esc_like('aipkit_usage_') . '%', '%' . $wpdb->esc_like('transient_aipkit_usage_') . '%'));
        $this->assertSame([], $left, 'no aipkit_usage_ option or transient is left');
        foreach (Capabilities::all() as $cap) {
            foreach (wp_roles()->role_objects as $role) {
                $this->assertFalse($role->has_cap($cap), "{$role->name} still has {$cap}");
            }
        }
        $this->assertFalse(wp_next_scheduled('aipkit_usage_shell_probe_event'));
        $this->assertSame('stays', get_option('unrelated_option_shell_probe'));
        delete_option('unrelated_option_shell_probe');
    }

    public function testFinancialRecordsStayUnlessTheAdminOptedIn(): void
    {
        global $wpdb;
        $this->arrange(false);
        $this->runUninstall();
        $this->assertSettingsCapsAndEventsGone();
        $personal = array_map([Schema::class, 'table'], \AipkitUsage\Uninstaller::PERSONAL_TABLES);
        foreach (Schema::table_names() as $table) {
            if (in_array($table, $personal, true)) {
                // Conversation text: no eraser could reach it once the plugin is gone (issue 8.9).
                $this->assertNull($wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', $table)), "{$table} dropped");
                continue;
            }
            $this->assertSame($table, $wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', $table)), "{$table} kept");
        }
        $this->assertSame('5.000000', $wpdb->get_var("SELECT amount FROM {$wpdb->prefix}aipkit_ledger WHERE idempotency_key = 'purchase:shell:1'"));
    }

    public function testOptedInUninstallDropsTheTables(): void
    {
        global $wpdb;
        $this->arrange(true);
        $this->runUninstall();
        $this->assertSettingsCapsAndEventsGone();
        foreach (Schema::table_names() as $table) {
            $this->assertNull($wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', $table)), "{$table} dropped");
        }
    }
}
