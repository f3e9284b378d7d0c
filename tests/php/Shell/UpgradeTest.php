<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Capabilities;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Schema\Tables;
use AipkitUsage\Tests\TestCase;

/** Upgrading from an older schema: dbDelta adds what is missing and the stored version moves on. */
final class UpgradeTest extends TestCase
{
    private const PREFIX = 'wp_zzupgrade_aipkit_';

    protected function transactional(): bool
    {
        return false; // CREATE/ALTER/DROP commit implicitly; this test cleans up its scratch tables.
    }

    protected function tearDown(): void
    {
        global $wpdb;
        foreach (Tables::NAMES as $name) {
            $wpdb->query('DROP TABLE IF EXISTS `' . self::PREFIX . $name . '`');
        }
        parent::tearDown();
    }

    public function testOlderTablesGainMissingColumnsAndIndexes(): void
    {
        global $wpdb;
        $p = self::PREFIX;
        $collate = $wpdb->get_charset_collate();
        // "Version 0": a ledger without the uncovered column and the kind index, logs without FULLTEXT.
        $wpdb->query("CREATE TABLE {$p}ledger (
            id bigint(20) unsigned NOT NULL AUTO_INCREMENT, created_at datetime NOT NULL, kind varchar(32) NOT NULL,
            user_id bigint(20) unsigned NOT NULL DEFAULT '0', amount decimal(20,6) NOT NULL DEFAULT '0.000000',
            idempotency_key varchar(191) NOT NULL, PRIMARY KEY (id), UNIQUE KEY idempotency_key (idempotency_key)
        ) ENGINE=InnoDB {$collate}");
        $wpdb->query("CREATE TABLE {$p}logs (
            id bigint(20) unsigned NOT NULL AUTO_INCREMENT, conversation_id bigint(20) unsigned NOT NULL,
            created_at datetime NOT NULL, user_message mediumtext, reply mediumtext, PRIMARY KEY (id)
        ) ENGINE=InnoDB {$collate}");
        $wpdb->insert($p . 'ledger', ['created_at' => '2026-01-01 00:00:00', 'kind' => 'purchase', 'user_id' => 3,
            'amount' => '10.000000', 'idempotency_key' => 'purchase:1:1']);

        $changes = Schema::apply($p);

        $this->assertContains("Added column {$p}ledger.uncovered", $changes);
        $kind = $wpdb->get_results("SHOW INDEX FROM {$p}ledger WHERE Key_name = 'kind_created'", ARRAY_A);
        $this->assertSame(['kind', 'created_at'], array_column($kind, 'Column_name'));
        $this->assertNotNull($wpdb->get_row("SHOW COLUMNS FROM {$p}ledger LIKE 'uncovered'"));
        $fulltext = $wpdb->get_results("SHOW INDEX FROM {$p}logs WHERE Key_name = 'content'", ARRAY_A);
        $this->assertSame('FULLTEXT', $fulltext[0]['Index_type'] ?? null);
        $this->assertSame(['user_message', 'reply'], array_column($fulltext, 'Column_name'));
        $this->assertNotNull($wpdb->get_row("SHOW TABLES LIKE '{$p}holds'"), 'missing tables are created');
        // Existing rows survive the upgrade untouched.
        $this->assertSame('10.000000', $wpdb->get_var("SELECT amount FROM {$p}ledger WHERE idempotency_key = 'purchase:1:1'"));
        $this->assertSame('0.000000', $wpdb->get_var("SELECT uncovered FROM {$p}ledger WHERE idempotency_key = 'purchase:1:1'"));

        $this->assertSame([], Schema::apply($p), 'a second run has nothing left to do');
    }

    public function testSchemaSevenGivesOlderCountersAPeriodEndTheyCanBeLockedBy(): void
    {
        global $wpdb;
        $p = self::PREFIX;
        $wpdb->query("CREATE TABLE {$p}quota_counters (
            id bigint(20) unsigned NOT NULL AUTO_INCREMENT, subject varchar(80) NOT NULL, scope varchar(140) NOT NULL,
            period_key varchar(24) NOT NULL, used decimal(20,6) NOT NULL DEFAULT '0.000000', held decimal(20,6) NOT NULL DEFAULT '0.000000',
            reset_at datetime DEFAULT NULL, updated_at datetime NOT NULL, PRIMARY KEY (id), UNIQUE KEY counter (subject,scope,period_key)
        ) ENGINE=InnoDB {$wpdb->get_charset_collate()}");
        $wpdb->query("INSERT INTO {$p}quota_counters (subject, scope, period_key, used, updated_at) VALUES
            ('user:3', 'chat', '2026-11-25', '1.5', '2026-11-25 10:00:00'), ('user:3', 'forms', 'all', '2', '2026-11-25 10:00:00')");

        $changes = Schema::apply($p);
        $this->assertContains("Added column {$p}quota_counters.period_end", $changes);
        $key = $wpdb->get_results("SHOW INDEX FROM {$p}quota_counters WHERE Key_name = 'current_rows'", ARRAY_A);
        $this->assertSame(['subject', 'scope', 'period_end'], array_column($key, 'Column_name'));

        \AipkitUsage\Billing\CounterPeriodEnds::backfill($p . 'quota_counters');
        $ends = $wpdb->get_results("SELECT period_key, period_end, UNIX_TIMESTAMP(updated_at) AS written, used FROM {$p}quota_counters ORDER BY id", ARRAY_A);
        // A periodic row ends no earlier than its period could (the longest is a month), so it stays lockable while current.
        $this->assertSame(33 * 86400, (int) $ends[0]['period_end'] - (int) $ends[0]['written']);
        $this->assertNull($ends[1]['period_end'], "an all-time row never ends");
        $this->assertSame(['1.500000', '2.000000'], array_column($ends, 'used'), 'counts untouched');
    }

    public function testSchemaEightGivesOlderLogsTheFilterWalkIndexesAndKeepsTheirRows(): void
    {
        global $wpdb;
        $p = self::PREFIX;
        // The version-7 logs table: today's definition without the three (filter column, id) keys.
        $v7 = Tables::definitions($p, $wpdb->get_charset_collate())[$p . 'logs'];
        $v7 = preg_replace('/^  KEY (module_id|bot_id_id|user_id_id) .*\n/m', '', $v7, -1, $removed);
        $this->assertSame(3, $removed);
        $wpdb->query($v7);
        $wpdb->query("INSERT INTO {$p}logs (conversation_id, created_at, module, bot_id, user_id, user_message, reply)
            VALUES (1, '2026-01-01 00:00:00', 'chatbot', 'support', 3, 'warranty', 'ok')");

        Schema::apply($p);
        foreach (['module_id' => ['module', 'id'], 'bot_id_id' => ['bot_id', 'id'], 'user_id_id' => ['user_id', 'id']] as $key => $cols) {
            $got = $wpdb->get_results("SHOW INDEX FROM {$p}logs WHERE Key_name = '{$key}'", ARRAY_A);
            $this->assertSame($cols, array_column($got, 'Column_name'), $key);
        }
        $this->assertSame('warranty', $wpdb->get_var("SELECT user_message FROM {$p}logs FORCE INDEX (module_id) WHERE module = 'chatbot' AND id > 0"));
        $this->assertSame('8', Schema::VERSION);
    }

    public function testStoredOlderVersionTriggersTheUpgradeOnce(): void
    {
        update_option(Schema::OPTION, '0');
        get_role('administrator')->remove_cap(Capabilities::MANAGE_SETTINGS);
        try {
            $this->assertTrue(Schema::maybe_upgrade(), 'an older stored version runs the upgrade');
            $this->assertSame(Schema::VERSION, get_option(Schema::OPTION));
            wp_roles()->for_site();
            $this->assertTrue(get_role('administrator')->has_cap(Capabilities::MANAGE_SETTINGS), 'upgrade re-grants capabilities');
            $this->assertFalse(Schema::maybe_upgrade(), 'the current version does nothing');
        } finally {
            update_option(Schema::OPTION, Schema::VERSION);
            get_role('administrator')->add_cap(Capabilities::MANAGE_SETTINGS);
        }
    }
}
