<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\ActivityRollup;
use AipkitUsage\Billing\Ledger;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * The quarter-hour rollup must give exactly what a direct aggregate of the ledger gives: random
 * ledger rows around a DST change in Europe/Berlin, several ranges (partial first day, open days,
 * the DST day alone, ragged edges), with kind filters, and after time zone changes (no rebuild).
 */
final class ActivityRollupTest extends TestCase
{
    use RandomLedger;

    protected function setUp(): void
    {
        parent::setUp();
        $start = $this->berlinSpring();
        // Dense around the DST change (2026-03-29 01:00 UTC) and the day edges.
        $when = fn() => mt_rand(0, 2) === 0 ? strtotime('2026-03-28 20:00:00 UTC') + mt_rand(0, 36 * 3600) : mt_rand($start, $this->now - 1);
        $this->seedRandomLedger(4242, 1500, ['usage', 'usage', 'usage', 'purchase', 'admin_adjustment', 'usage_reset', 'refund'], $when, 'rollup-test');
    }

    /** Reference computed without the offset trick: each local day's UTC bounds come from PHP. */
    private function reference(array $r): array
    {
        global $wpdb;
        $tz = wp_timezone();
        $utc = new \DateTimeZone('UTC');
        $from = new \DateTimeImmutable($r['from'], $utc);
        $to = new \DateTimeImmutable($r['to'], $utc);
        $series = [];
        for ($d = $from->setTimezone($tz)->setTime(0, 0); $d < $to; $d = $d->modify('tomorrow')) {
            $a = max($d, $from)->setTimezone($utc)->format('Y-m-d H:i:s');
            $b = min($d->modify('tomorrow'), $to)->setTimezone($utc)->format('Y-m-d H:i:s');
            $x = $wpdb->get_row($wpdb->prepare(
                "SELECT SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END) added,
                        SUM(CASE WHEN kind <> 'usage' AND amount < 0 THEN -amount ELSE 0 END) removed,
                        SUM(CASE WHEN kind = 'usage' THEN -amount ELSE 0 END) debited, SUM(CASE WHEN kind = 'usage' THEN quota_amount ELSE 0 END) quota, COUNT(*) entries
                 FROM " . Tables::ledger() . ' WHERE created_at >= %s AND created_at < %s', $a, $b), ARRAY_A);
            $series[] = ['day' => $d->format('Y-m-d'), 'added' => $x['added'] ?? '0', 'removed' => $x['removed'] ?? '0', 'debited' => $x['debited'] ?? '0', 'quota' => $x['quota'] ?? '0', 'entries' => (int) $x['entries']];
        }
        return $series;
    }

    private function assertSameFigures(array $r, string $label): void
    {
        $direct = Activity::direct($r);
        $this->assertSame($direct, Activity::aggregate($r), "$label: rollup vs direct");
        foreach (['usage', 'purchase', 'admin_adjustment'] as $kind) {
            $this->assertSame(Activity::direct($r, ['kind' => $kind]), Activity::aggregate($r, ['kind' => $kind]), "$label: rollup vs direct, $kind only");
        }
        $ref = $this->reference($r);
        $this->assertSame(array_column($ref, 'day'), array_column($direct['series'], 'day'), "$label: days");
        foreach ($ref as $i => $x) {
            foreach (['added', 'removed', 'debited', 'quota'] as $k) {
                $this->assertSame(\AipkitUsage\Billing\Decimal::db($x[$k]), $direct['series'][$i][$k], "$label: {$x['day']} $k");
            }
            $this->assertSame($x['entries'], $direct['series'][$i]['entries'], "$label: {$x['day']} entries");
        }
        $this->assertGreaterThan(0, $direct['cards']['ledger_entries'], $label);
    }

    public function testRollupEqualsDirectAggregateForManyRangesIncludingDst(): void
    {
        global $wpdb;
        $ranges = [
            'DST day alone' => Activity::range('custom', '2026-03-29', '2026-03-29'),
            'around DST' => Activity::range('custom', '2026-03-20', '2026-04-05'),
            'partial first day to now' => ['from' => '2026-03-25 13:17:05', 'to' => gmdate('Y-m-d H:i:s', $this->now + 1)],
            'whole history incl. open days' => Activity::range('custom', '2026-02-25', '2026-04-12'),
            'last hour only' => ['from' => gmdate('Y-m-d H:i:s', $this->now - 1800), 'to' => gmdate('Y-m-d H:i:s', $this->now + 1)],
        ];
        foreach ($ranges as $label => $r) {
            $this->assertIsArray($r);
            $this->assertSameFigures($r, $label);
        }
        // Rows appended through the ledger (an open quarter hour and a closed one) show up at once.
        $r = $ranges['partial first day to now'];
        $before = Activity::aggregate($r)['cards']['ledger_entries'];
        $this->assertIsInt(\AipkitUsage\Billing\Transaction::run(fn() => Ledger::append(['created_at' => gmdate('Y-m-d H:i:s', $this->now - 60), 'kind' => 'purchase', 'user_id' => 1, 'amount' => '3.500000', 'idempotency_key' => 'rollup-test:late'])));
        $this->assertIsInt(\AipkitUsage\Billing\Transaction::run(fn() => Ledger::append(['created_at' => gmdate('Y-m-d H:i:s', $this->now - 86400 * 9), 'kind' => 'admin_adjustment', 'user_id' => 1, 'amount' => '-2.250000', 'idempotency_key' => 'rollup-test:old'])));
        $this->assertSame($before + 2, Activity::aggregate($r)['cards']['ledger_entries'], 'both appended rows counted through the rollup, no rebuild');
        $this->assertSameFigures($r, 'after a new row');
    }

    public function testTimeZoneChangeRecutsDaysWithoutRebuild(): void
    {
        global $wpdb;
        $r = Activity::range('custom', '2026-03-20', '2026-04-05');
        $berlin = Activity::aggregate($r);
        update_option('timezone_string', 'America/New_York');
        $r = Activity::range('custom', '2026-03-20', '2026-04-05');
        $this->assertSameFigures($r, 'New York');
        $this->assertNotSame($berlin['series'], Activity::aggregate($r)['series']);
        update_option('timezone_string', '');
        update_option('gmt_offset', '5.5');
        $this->assertSameFigures(Activity::range('custom', '2026-03-01', '2026-04-10'), 'UTC+5:30');
        update_option('gmt_offset', '5.75');
        $this->assertSameFigures(Activity::range('custom', '2026-03-01', '2026-04-10'), 'UTC+5:45');
    }
}
