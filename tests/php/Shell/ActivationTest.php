<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Capabilities;
use AipkitUsage\Plugin;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Schema\Tables;
use AipkitUsage\Tests\TestCase;

/** Activation (run by the bootstrap in its own process) created the schema and granted the caps. */
final class ActivationTest extends TestCase
{
    protected function tearDown(): void
    {
        parent::tearDown();
        // Roles live in an option (rolled back) and in memory: reload them from the database.
        wp_roles()->for_site();
    }

    /** @return array<string,array<string,mixed>> index name => {unique, type, columns} */
    private function indexes(string $table): array
    {
        global $wpdb;
        $out = [];
        foreach ($wpdb->get_results("SHOW INDEX FROM `{$table}`", ARRAY_A) as $row) {
            $name = $row['Key_name'];
            $out[$name]['unique'] = $row['Non_unique'] === '0';
            $out[$name]['type'] = $row['Index_type'];
            $out[$name]['columns'][(int) $row['Seq_in_index']] = $row['Column_name'];
        }
        return $out;
    }

    public function testEveryContractTableExistsAsInnoDbUtf8mb4(): void
    {
        global $wpdb;
        $this->assertSame(Schema::VERSION, get_option(Schema::OPTION));
        foreach (Tables::NAMES as $name) {
            $table = $wpdb->prefix . 'aipkit_' . $name;
            $status = $wpdb->get_row($wpdb->prepare('SHOW TABLE STATUS LIKE %s', $table), ARRAY_A);
            $this->assertNotNull($status, "table {$table} exists");
            $this->assertSame('InnoDB', $status['Engine'], $table);
            $this->assertStringStartsWith('utf8mb4', $status['Collation'], $table);
        }
    }

    public function testUniqueKeysAndIndexesOfTheContract(): void
    {
        $p = $GLOBALS['wpdb']->prefix . 'aipkit_';
        $expect = [
            'pricing_rules' => [['active_rule', true, ['usage_type', 'provider', 'model', 'active_slot']]],
            'quota_rules' => [['module_bot', true, ['module', 'bot_id']]],
            'ledger' => [
                ['idempotency_key', true, ['idempotency_key']],
                ['created_id', false, ['created_at', 'id']],
                ['user_created', false, ['user_id', 'created_at']],
                ['kind_created', false, ['kind', 'created_at']],
            ],
            'holds' => [
                ['request_id', true, ['request_id']],
                ['status_expires', false, ['status', 'expires_at']],
                ['user_status', false, ['user_id', 'status']],
            ],
            'quota_counters' => [
                ['counter', true, ['subject', 'scope', 'period_key']],
                ['current_rows', false, ['subject', 'scope', 'period_end']],
            ],
            'conversations' => [
                ['conversation_key', true, ['conversation_key']],
                ['last_id', false, ['last_at', 'id']],
                ['module_last', false, ['module', 'last_at']],
                ['bot_last', false, ['bot_id', 'last_at']],
                ['user_last', false, ['user_id', 'last_at']],
            ],
            'logs' => [
                ['conversation_id_id', false, ['conversation_id', 'id']],
                ['created_id', false, ['created_at', 'id']],
            ],
            'log_terms' => [
                ['PRIMARY', true, ['term', 'log_id']],
                ['log_id', false, ['log_id']],
            ],
        ];
        foreach ($expect as $table => $keys) {
            $indexes = $this->indexes($p . $table);
            foreach ($keys as [$name, $unique, $columns]) {
                $this->assertArrayHasKey($name, $indexes, "{$table}.{$name}");
                $this->assertSame($unique, $indexes[$name]['unique'], "{$table}.{$name} uniqueness");
                $this->assertSame($columns, array_values($indexes[$name]['columns']), "{$table}.{$name} columns");
            }
        }
        $logs = $this->indexes($p . 'logs');
        $this->assertSame('FULLTEXT', $logs['content']['type']);
        $this->assertSame(['user_message', 'reply'], array_values($logs['content']['columns']));
        $this->assertSame(['user_id'], array_values($this->indexes($p . 'balances')['PRIMARY']['columns']));
    }

    public function testCreditColumnsAreExactDecimals(): void
    {
        global $wpdb;
        $p = $wpdb->prefix . 'aipkit_';
        $cols = [
            'balances' => ['balance', 'held'],
            'ledger' => ['amount', 'quota_amount', 'uncovered', 'balance_after'],
            'pricing_rules' => ['input_rate', 'output_rate', 'unit_rate'],
            'holds' => ['hold_balance', 'hold_quota'],
            'quota_counters' => ['used', 'held'],
            'quota_rules' => ['guest_limit', 'user_limit'],
            'logs' => ['credits'],
            'conversations' => ['credits'],
        ];
        foreach ($cols as $table => $names) {
            foreach ($names as $col) {
                $row = $wpdb->get_row("SHOW COLUMNS FROM `{$p}{$table}` LIKE '{$col}'", ARRAY_A);
                $this->assertSame('decimal(20,6)', strtolower($row['Type']), "{$table}.{$col}");
            }
        }
        // One enabled rule per triple, disabled ones (active_slot NULL) never collide.
        $now = gmdate('Y-m-d H:i:s');
        $insert = fn($slot) => $wpdb->insert($p . 'pricing_rules', [
            'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'm', 'method' => 'flat',
            'unit_rate' => '1', 'enabled' => $slot ? 1 : 0, 'active_slot' => $slot, 'created_at' => $now, 'updated_at' => $now,
        ]);
        $this->assertSame(1, $insert(1));
        $this->assertSame(1, $insert(null));
        $this->assertSame(1, $insert(null));
        $wpdb->suppress_errors(true);
        $this->assertFalse($insert(1), 'a second enabled rule for the same triple is refused by the database');
        $wpdb->suppress_errors(false);
        // Exactness: the smallest credit survives a round trip.
        $wpdb->insert($p . 'balances', ['user_id' => 999999, 'balance' => '12345678901234.000001', 'updated_at' => $now]);
        $this->assertSame('12345678901234.000001', $wpdb->get_var("SELECT balance FROM {$p}balances WHERE user_id = 999999"));
    }

    public function testAdministratorsGetEveryCapabilityAndOthersNone(): void
    {
        $admin = get_role('administrator');
        foreach (Capabilities::all() as $cap) {
            $this->assertTrue($admin->has_cap($cap), $cap);
            foreach (['editor', 'author', 'subscriber'] as $role) {
                $this->assertFalse(get_role($role)->has_cap($cap), "{$role} must not have {$cap}");
            }
        }
        $this->actAs($this->createUser('administrator'));
        $this->assertTrue(current_user_can(Capabilities::MANAGE_BALANCES));
        $this->actAs($this->createUser('editor'));
        $this->assertFalse(current_user_can(Capabilities::VIEW_USAGE));
    }

    public function testSecondActivationIsHarmless(): void
    {
        global $wpdb;
        $table = $wpdb->prefix . 'aipkit_ledger';
        $wpdb->insert($table, ['created_at' => gmdate('Y-m-d H:i:s'), 'kind' => 'admin_adjustment', 'user_id' => 1,
            'amount' => '2.500000', 'idempotency_key' => 'admin_adjustment:1:shell-test']);
        $before = $wpdb->get_var("SELECT COUNT(*) FROM {$table}");

        $this->assertSame([], Schema::apply(), 'the table definitions match what exists: dbDelta changes nothing');
        Plugin::activate(false);

        $this->assertSame($before, $wpdb->get_var("SELECT COUNT(*) FROM {$table}"));
        $this->assertSame('2.500000', $wpdb->get_var("SELECT amount FROM {$table} WHERE idempotency_key = 'admin_adjustment:1:shell-test'"));
        $this->assertSame(Schema::VERSION, get_option(Schema::OPTION));
        $this->assertTrue(get_role('administrator')->has_cap(Capabilities::VIEW_USAGE));
    }

    public function testCapabilityRolesFilterGrantsAndWithdraws(): void
    {
        $map = static function (array $map): array {
            $map[Capabilities::VIEW_USAGE][] = 'editor';
            $map[Capabilities::EXPORT_LOGS][] = 'editor';
            return $map;
        };
        add_filter('aipkit_usage_capability_roles', $map);
        Capabilities::sync();
        $editor = $this->createUser('editor');
        $this->actAs($editor);
        $this->assertTrue(current_user_can(Capabilities::VIEW_USAGE));
        $this->assertTrue(current_user_can(Capabilities::EXPORT_LOGS));
        $this->assertFalse(current_user_can(Capabilities::DELETE_LOGS));

        remove_filter('aipkit_usage_capability_roles', $map);
        Capabilities::sync();
        wp_set_current_user(0);
        $this->actAs($editor);
        $this->assertFalse(current_user_can(Capabilities::VIEW_USAGE), 'a cap no longer mapped is taken back');
        $this->assertTrue(get_role('administrator')->has_cap(Capabilities::VIEW_USAGE));
    }
}
