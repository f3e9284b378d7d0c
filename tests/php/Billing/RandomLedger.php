<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\ActivityRollup;
use AipkitUsage\Billing\Tables;

/**
 * Ledger rows for the Activity tests: empty tables, then random entries written by bulk SQL as an
 * import would (bypassing Ledger::append) and the rollup rebuilt, as the schema upgrade does.
 */
trait RandomLedger
{
    /** The clock's now (filter aipkit_usage_now) once berlinSpring() ran. */
    private int $now;

    /**
     * Empty Activity tables, the site in Europe/Berlin and the clock at 2026-04-10 12:00 UTC, twelve
     * days after the spring DST change.
     *
     * @return int 2026-03-01 00:00 UTC, where the random rows may begin
     */
    protected function berlinSpring(): int
    {
        $this->emptyActivityTables();
        update_option('timezone_string', 'Europe/Berlin');
        $this->now = strtotime('2026-04-10 12:00:00 UTC');
        add_filter('aipkit_usage_now', fn() => $this->now);
        return strtotime('2026-03-01 00:00:00 UTC');
    }

    /** Empties the ledger and everything Activity folds from it. */
    protected function emptyActivityTables(): void
    {
        global $wpdb;
        $wpdb->query('DELETE FROM ' . Tables::ledger());
        $wpdb->query('DELETE FROM ' . Tables::ledger_rollup());
        $wpdb->query('DELETE FROM ' . Tables::ledger_days());
    }

    /**
     * Writes $count random entries of $kinds for user 1: usage debits (a quarter of them free) with
     * quota, admin raises and reductions, resets of nothing, and an uncovered part on a tenth.
     *
     * @param callable $when (): int the entry's UTC timestamp, drawn with mt_rand (seeded by $seed)
     */
    protected function seedRandomLedger(int $seed, int $count, array $kinds, callable $when, string $keys): void
    {
        global $wpdb;
        mt_srand($seed);
        $rows = [];
        for ($i = 0; $i < $count; $i++) {
            $kind = $kinds[mt_rand(0, count($kinds) - 1)];
            $amt = sprintf('%d.%06d', mt_rand(0, 40), mt_rand(0, 999999));
            $quota = '0';
            if ('usage' === $kind) {
                $quota = sprintf('%d.%06d', mt_rand(0, 3), mt_rand(0, 999999));
                $amt = mt_rand(0, 3) === 0 ? '0' : '-' . $amt;
            } elseif ('admin_adjustment' === $kind && mt_rand(0, 1)) {
                $amt = '-' . $amt;
            } elseif ('usage_reset' === $kind) {
                $amt = '0';
            }
            $rows[] = $wpdb->prepare('(%s, %s, %d, %s, %s, %s, %s, %s)', gmdate('Y-m-d H:i:s', $when()), $kind, 1, 'user:1', $amt, $quota, mt_rand(0, 9) === 0 ? '0.25' : '0', "$keys:$i");
        }
        $wpdb->query('INSERT INTO ' . Tables::ledger() . ' (created_at, kind, user_id, subject, amount, quota_amount, uncovered, idempotency_key) VALUES ' . implode(', ', $rows));
        ActivityRollup::rebuild();
    }
}
