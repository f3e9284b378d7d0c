<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\ActivityDays;
use AipkitUsage\Billing\ActivityRollup;
use AipkitUsage\Billing\Ledger;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\Transaction;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Tests\TestCase;

/**
 * The day table (closed local days folded from the quarter hours) plus the quarter hours for the
 * rest must give exactly what Activity::direct() gives from the ledger: across the DST change in
 * Europe/Berlin, in a +5:45 zone, after time zone changes (old rows dropped, days folded again in
 * batches), with late rows written into folded days, and with today's partial day.
 */
final class ActivityDaysTest extends TestCase
{
    use RandomLedger;

    protected function setUp(): void
    {
        parent::setUp();
        $start = $this->berlinSpring();
        // Dense around the DST change (2026-03-29 01:00 UTC), and some in today's open day.
        $when = function () use ($start): int {
            $pick = mt_rand(0, 5);
            return 0 === $pick ? strtotime('2026-03-28 20:00:00 UTC') + mt_rand(0, 36 * 3600)
                : (1 === $pick ? $this->now - mt_rand(1, 9 * 3600) : mt_rand($start, $this->now - 1));
        };
        $this->seedRandomLedger(777, 1200, ['usage', 'usage', 'usage', 'purchase', 'admin_adjustment', 'usage_reset'], $when, 'days-test');
    }

    /** @return string[] folded days (markers) of a zone */
    private function marked(string $zone): array
    {
        global $wpdb;
        return $wpdb->get_col($wpdb->prepare('SELECT day FROM ' . Tables::ledger_days() . " WHERE zone = %s AND kind = '' ORDER BY day", $zone));
    }

    private function last(array $days): ?string
    {
        return $days ? $days[count($days) - 1] : null;
    }

    private function assertExact(string $label): void
    {
        $ranges = [
            'DST day alone' => Activity::range('custom', '2026-03-29', '2026-03-29'),
            'around DST' => Activity::range('custom', '2026-03-20', '2026-04-05'),
            'partial first day to now' => ['from' => '2026-03-03 13:17:05', 'to' => gmdate('Y-m-d H:i:s', $this->now + 1)],
            'whole history incl. open days' => Activity::range('custom', '2026-02-25', '2026-04-12'),
            'last 36 hours' => ['from' => gmdate('Y-m-d H:i:s', $this->now - 36 * 3600), 'to' => gmdate('Y-m-d H:i:s', $this->now + 1)],
        ];
        foreach ($ranges as $name => $r) {
            $this->assertIsArray($r);
            $direct = Activity::direct($r);
            $this->assertGreaterThan(0, $direct['cards']['ledger_entries'], "$label, $name");
            $this->assertSame($direct, Activity::aggregate($r), "$label, $name: days + quarter hours vs direct");
            foreach (['usage', 'purchase', 'admin_adjustment'] as $kind) {
                $this->assertSame(Activity::direct($r, ['kind' => $kind]), Activity::aggregate($r, ['kind' => $kind]), "$label, $name: $kind only");
            }
        }
    }

    public function testFoldedDaysEqualDirectAndAreWhatTheReadUses(): void
    {
        global $wpdb;
        $this->assertSame(0, ActivityDays::fold(1000));
        $marked = $this->marked('Europe/Berlin');
        // Every local day from the first entry up to yesterday; today (open) is not folded.
        $this->assertSame('2026-03-01', $marked[0]);
        $this->assertSame('2026-04-09', end($marked));
        $this->assertCount(40, $marked);
        $this->assertExact('folded');

        // The read takes folded days from the day table: without their quarter hours it still answers exactly.
        $r = Activity::range('custom', '2026-03-05', '2026-03-25');
        $direct = Activity::direct($r);
        $wpdb->query('DELETE FROM ' . Tables::ledger_rollup() . " WHERE bucket >= '2026-03-04 00:00:00' AND bucket < '2026-03-26 00:00:00'");
        $this->assertSame($direct, Activity::aggregate($r), 'folded days read from the day table');
    }

    public function testUpgradeToSchemaSixFoldsEveryClosedDayOnce(): void
    {
        update_option(Schema::OPTION, '5');
        $this->assertTrue(Schema::maybe_upgrade());
        $this->assertSame(Schema::VERSION, get_option(Schema::OPTION));
        $this->assertCount(40, $this->marked('Europe/Berlin'), 'every closed day since the first entry, from the quarter hours');
        $this->assertExact('after the upgrade');
    }

    public function testGraceAndTodaysPartialDay(): void
    {
        // 00:30 in Berlin on 2026-04-11: 04-10 has closed, but less than GRACE ago: not folded yet.
        $this->now = strtotime('2026-04-10 22:30:00 UTC');
        ActivityDays::fold(1000);
        $this->assertSame('2026-04-09', $this->last($this->marked('Europe/Berlin')));
        $this->assertExact('within grace');
        $this->now = strtotime('2026-04-10 23:30:00 UTC');
        ActivityDays::fold(1000);
        $this->assertSame('2026-04-10', $this->last($this->marked('Europe/Berlin')));
        $this->assertExact('after grace');
    }

    public function testLateRowsKeepFoldedDaysExact(): void
    {
        ActivityDays::fold(1000);
        $late = [
            ['2026-03-29 00:50:00', 'usage', '-1.250000', '0.500000'], // DST day, before the change
            ['2026-03-29 01:10:00', 'admin_adjustment', '4.000000', '0'], // DST day, after it
            ['2026-03-28 23:05:00', 'purchase_reversal', '-2.000000', '0'], // local 00:05 of 03-29: a kind that day may lack
            ['2026-04-09 21:59:59', 'usage', '0', '0.750000'],         // last second of 04-09 local (quota only)
            ['2026-04-10 08:00:00', 'purchase', '7.000000', '0'],      // today: not folded, quarter hours only
        ];
        foreach ($late as $i => [$at, $kind, $amount, $quota]) {
            $this->assertIsInt(Transaction::run(fn() => Ledger::append(['created_at' => $at, 'kind' => $kind, 'user_id' => 1, 'amount' => $amount, 'quota_amount' => $quota, 'idempotency_key' => "days-test:late:$i"])));
        }
        $this->assertSame('2026-04-09', $this->last($this->marked('Europe/Berlin')), 'today stays unfolded');
        $this->assertExact('late rows through the ledger');

        // A rolled-back late row leaves the day table as it was.
        $r = Activity::range('custom', '2026-03-29', '2026-03-29');
        $before = Activity::aggregate($r);
        Transaction::run(function () {
            Ledger::append(['created_at' => '2026-03-29 10:00:00', 'kind' => 'purchase', 'user_id' => 1, 'amount' => '9', 'idempotency_key' => 'days-test:rolled-back']);
            return new \WP_Error('stop', 'roll back');
        });
        $this->assertSame($before, Activity::aggregate($r));

        // Rows written by bulk SQL need rebuild(): it empties the day table, reads stay exact
        // (quarter hours, a bounded fold per read), and the cron folds everything again.
        global $wpdb;
        $wpdb->query('INSERT INTO ' . Tables::ledger() . " (created_at, kind, user_id, subject, amount, idempotency_key) VALUES ('2026-03-15 10:00:00', 'purchase', 1, 'user:1', '11.000000', 'days-test:import')");
        ActivityRollup::rebuild();
        $this->assertSame([], $this->marked('Europe/Berlin'));
        $whole = Activity::range('custom', '2026-02-25', '2026-04-12');
        $this->assertSame(Activity::direct($whole), Activity::aggregate($whole), 'unfolded days from the quarter hours');
        $this->assertCount(ActivityDays::READ_FOLD_DAYS, $this->marked('Europe/Berlin'), 'a read folds a bounded number of days');
        $this->assertExact('after rebuild, before the cron');
        $this->assertSame(0, ActivityDays::fold(1000));
        // The reads also folded the empty days before the first entry that their range covered.
        $this->assertCount(40, array_filter($this->marked('Europe/Berlin'), fn($d) => $d >= '2026-03-01'));
        $this->assertExact('after rebuild and the cron');
    }

    public function testTimeZoneChangeDropsOldRowsAndRefoldsInBatches(): void
    {
        global $wpdb;
        ActivityDays::fold(1000);
        $this->assertCount(40, $this->marked('Europe/Berlin'));

        update_option('timezone_string', 'Asia/Kathmandu'); // +5:45
        $this->assertSame('Asia/Kathmandu', ActivityDays::zone());
        $this->assertSame('0', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::ledger_days() . " WHERE zone <> 'Asia/Kathmandu'"), 'rows of the old zone deleted');
        $this->assertNotFalse(wp_next_scheduled(ActivityDays::FOLD_HOOK), 'the fold is scheduled at once');
        // Before the cron: exact from the quarter hours; the read folds a few days only.
        $whole = Activity::range('custom', '2026-02-25', '2026-04-12');
        $this->assertSame(Activity::direct($whole), Activity::aggregate($whole));
        $this->assertCount(ActivityDays::READ_FOLD_DAYS, $this->marked('Asia/Kathmandu'));
        // The cron folds in bounded batches and says how much is left; exact in between.
        // The read's range starts four empty days before the first entry (2026-03-01): folded too.
        $left = ActivityDays::fold(10);
        $this->assertSame(40 - (ActivityDays::READ_FOLD_DAYS - 4) - 10, $left);
        $this->assertExact('Kathmandu half folded');
        while ($left > 0) {
            $left = ActivityDays::fold(10);
        }
        $this->assertSame('2026-04-09', $this->last($this->marked('Asia/Kathmandu')));
        $this->assertExact('Kathmandu folded');

        update_option('timezone_string', '');
        update_option('gmt_offset', '5.75');
        $this->assertSame('+05:45', ActivityDays::zone());
        $this->assertSame([], $this->marked('Asia/Kathmandu'));
        ActivityDays::fold(1000);
        $this->assertExact('UTC+5:45 folded');

        // Back to Berlin: nothing of another zone is ever read, the days are cut again.
        update_option('timezone_string', 'Europe/Berlin');
        $this->assertSame([], $this->marked('+05:45'));
        ActivityDays::fold(1000);
        $this->assertCount(40, $this->marked('Europe/Berlin'));
        $this->assertExact('Berlin again');
    }
}
