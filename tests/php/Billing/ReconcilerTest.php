<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Reconciler;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * Reconcile compares balances with their ledger sums batch by batch: a mismatch must be found
 * wherever the batch boundaries fall, including ledger entries of a user who has no balance row.
 */
final class ReconcilerTest extends TestCase
{
    private function balance(int $user, string $balance): void
    {
        global $wpdb;
        $wpdb->insert(Tables::balances(), ['user_id' => $user, 'balance' => $balance, 'held' => '0', 'updated_at' => gmdate('Y-m-d H:i:s')]);
    }

    private function entry(int $user, string $amount): void
    {
        global $wpdb;
        static $n = 0;
        $n++;
        $wpdb->insert(Tables::ledger(), [
            'created_at' => gmdate('Y-m-d H:i:s'), 'kind' => 'admin_adjustment', 'user_id' => $user,
            'subject' => "user:$user", 'amount' => $amount, 'idempotency_key' => "test:reconcile:$n",
        ]);
    }

    public function testMismatchesAreFoundAcrossBatchBoundaries(): void
    {
        global $wpdb;
        $wpdb->query('DELETE FROM ' . Tables::balances());
        $wpdb->query('DELETE FROM ' . Tables::ledger());
        foreach ([900001 => '5', 900002 => '3.5', 900003 => '7', 900004 => '0', 900005 => '1.000001'] as $user => $amount) {
            $this->balance($user, $amount);
        }
        $this->entry(900001, '5');
        $this->entry(900002, '4');
        $this->entry(900002, '-0.5');
        $this->entry(900003, '6.999999'); // one millionth short
        $this->entry(900005, '1.000001');
        $this->entry(899999, '2');        // before the first balance row, no balance of its own
        $this->entry(900010, '0.25');     // after the last balance row, no balance of its own

        $expected = [899999, 900003, 900010];
        foreach ([1, 2, 3, 1000] as $batch) {
            $r = Reconciler::run($batch);
            $this->assertFalse($r['ok'], "batch $batch");
            $this->assertSame(5, $r['checked'], "batch $batch: every balance checked once");
            $found = array_column($r['mismatches'], 'user_id');
            sort($found);
            $this->assertSame($expected, $found, "batch $batch");
        }
        $short = array_values(array_filter(Reconciler::run(2)['mismatches'], static fn($m) => 900003 === $m['user_id']))[0];
        $this->assertSame('7.000000', $short['balance']);
        $this->assertSame('6.999999', $short['ledger_sum']);
        $this->assertSame('0.000001', $short['difference']);

        $this->entry(900003, '0.000001');
        $this->entry(899999, '-2');
        $this->entry(900010, '-0.25');
        $this->assertTrue(Reconciler::run(2)['ok'], 'every balance now equals the sum of its entries');
    }
}
