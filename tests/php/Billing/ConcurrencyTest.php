<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Metering;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * Real parallel PHP processes against the real database: the database, not PHP, decides who gets
 * the last credit.
 */
final class ConcurrencyTest extends TestCase
{
    use BillingFixtures;

    protected function transactional(): bool
    {
        return false;
    }

    protected function tearDown(): void
    {
        delete_option('aipkit_usage_settings');
        parent::tearDown();
    }

    public function testTwoHundredRequestsAgainstFiftyCredits(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['user_limit' => '0']);
        $u = $this->createUser();
        $this->fund($u, '50');
        $results = self::runParallel(__DIR__ . '/fixtures/meter-worker.php', 16, ['user_id' => $u, 'requests' => 200, 'procs' => 16, 'prefix' => 'c200']);
        $this->assertSame([], array_merge(...array_column($results, 'errors')));
        $this->assertSame(50, array_sum(array_column($results, 'admitted')));
        $this->assertSame(150, array_sum(array_column($results, 'refused')));
        $this->assertSame(['balance' => '0.000000', 'held' => '0.000000', 'available' => '0.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
        global $wpdb;
        $this->assertSame('50', $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . Tables::ledger() . " WHERE user_id = %d AND kind = 'usage'", $u)));
        $this->assertSame('0', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::counters() . ' WHERE used < 0 OR held < 0'));
        $this->assertReconciled();
    }

    public function testQuotaFirstWithQuotaTwentyAndBalanceThirty(): void
    {
        update_option('aipkit_usage_settings', ['consumption_order' => 'quota_first']);
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['user_limit' => '20', 'period' => 'daily']);
        $u = $this->createUser();
        $this->fund($u, '30');
        $results = self::runParallel(__DIR__ . '/fixtures/meter-worker.php', 16, ['user_id' => $u, 'requests' => 200, 'procs' => 16, 'prefix' => 'qf', 'sleep_us' => 2000]);
        $this->assertSame([], array_merge(...array_column($results, 'errors')));
        $this->assertSame(50, array_sum(array_column($results, 'admitted')));
        $this->assertSame('0.000000', aipkit_usage_balance($u)['balance']);
        global $wpdb;
        $c = $wpdb->get_row($wpdb->prepare('SELECT used, held FROM ' . Tables::counters() . ' WHERE subject = %s', 'user:' . $u), ARRAY_A);
        $this->assertSame(['used' => '20.000000', 'held' => '0.000000'], $c);
        $this->assertReconciled();
    }

    public function testParallelAdminEditsAndDebitsLoseNothing(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['user_limit' => '0']);
        $u = $this->createUser();
        $this->fund($u, '100');
        $results = self::runParallel(__DIR__ . '/fixtures/admin-edit-worker.php', 8, ['user_id' => $u, 'edits' => 15, 'debits' => 15]);
        $this->assertSame([], array_merge(...array_column($results, 'errors')));
        $edits = $debits = 0;
        foreach ($results as $r) {
            $r['role'] === 'edit' ? $edits += $r['done'] : $debits += $r['done'];
        }
        $this->assertSame(60, $edits);
        $this->assertSame(60, $debits);
        // 100 + 60 added − 60 spent: neither an edit nor a debit was lost.
        $this->assertSame('100.000000', aipkit_usage_balance($u)['balance']);
        $this->assertReconciled();
    }

    public function testAKilledRequestLeavesNothingStuckAfterTheHoldLifetime(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $results = self::runParallel(__DIR__ . '/fixtures/killed-worker.php', 3, ['user_id' => $u]);
        $this->assertCount(3, array_filter(array_column($results, 'hold_id')));
        $this->assertSame('3.000000', aipkit_usage_balance($u)['held']);
        $this->assertSame(0, Metering::sweep(), 'holds are not released before their lifetime');
        global $wpdb;
        $wpdb->query('UPDATE ' . Tables::holds() . " SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE status = 'held'");
        $this->assertSame(3, Metering::sweep());
        $this->assertSame(['balance' => '10.000000', 'held' => '0.000000', 'available' => '10.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
        $this->assertSame('3', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::holds() . " WHERE status = 'expired'"));
        $this->assertReconciled();
    }
}
