<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Activity;
use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Ledger;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * The Activity cards against the ledger: every balance change made through the product (admin
 * raises and reductions, purchases and reversals, metered usage) is accounted for by
 * Added − Removed − Debited, the cards follow the user and kind filters, sums beyond 10^14 stay
 * exact, the CSV keeps numbers as numbers, and bad dates are a 400.
 */
final class ActivityCardsTest extends TestCase
{
    use BillingFixtures;
    use RandomLedger;

    private int $alice;
    private int $bob;

    protected function setUp(): void
    {
        parent::setUp();
        $this->emptyActivityTables();
        $this->alice = $this->createUser('subscriber', ['display_name' => 'Alice Cards']);
        $this->bob = $this->createUser('subscriber', ['display_name' => 'Bob Cards']);
        $this->actAs($this->createUser('administrator'));
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);

        // Alice: raised to 13, lowered to 10 (the issue's case), a purchase of 5 and its reversal of 2, two charges.
        $this->fund($this->alice, '13');
        $this->fund($this->alice, '10');
        $this->assertIsArray(Balances::credit($this->alice, '5', 'purchase', 'purchase:cards:1', []));
        $this->assertIsArray(Balances::credit($this->alice, '-2', 'purchase_reversal', 'purchase_reversal:cards:1', []));
        for ($i = 0; $i < 2; $i++) {
            $h = aipkit_usage_authorize($this->request($this->alice));
            $this->assertIsArray($h, is_wp_error($h) ? $h->get_error_message() : '');
            $this->assertIsArray(aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300]));
        }
        // Bob: funded 4, one charge.
        $this->fund($this->bob, '4');
        $h = aipkit_usage_authorize($this->request($this->bob));
        $this->assertIsArray($h);
        $this->assertIsArray(aipkit_usage_settle($h, ['input_tokens' => 100, 'output_tokens' => 50]));
    }

    /** SQL DECIMAL arithmetic (no floats): a − b − c. */
    private function minus(string $a, string $b, string $c): string
    {
        global $wpdb;
        return Activity::sum($wpdb->get_var($wpdb->prepare('SELECT CAST(%s AS DECIMAL(40,6)) - CAST(%s AS DECIMAL(40,6)) - CAST(%s AS DECIMAL(40,6))', $a, $b, $c)));
    }

    private function ledgerNet(array $where): string
    {
        global $wpdb;
        $sql = 'SELECT COALESCE(SUM(amount), 0) FROM ' . Tables::ledger() . ' WHERE 1 = 1';
        foreach ($where as $col => $v) {
            $sql .= $wpdb->prepare(" AND $col = %s", $v);
        }
        return Activity::sum($wpdb->get_var($sql));
    }

    public function testCardsAccountForEveryBalanceChangeAndFollowTheFilters(): void
    {
        $r = Activity::range('7');
        $this->assertIsArray($r);

        // Whole site: Added − Removed − Debited equals the sum of all ledger amounts and the balances' net change.
        $c = Activity::aggregate($r)['cards'];
        $this->assertSame('22.000000', $c['credits_added'], 'alice 13 + 5, bob 4');
        $this->assertSame('5.000000', $c['credits_removed'], '13 → 10 and the reversal of 2');
        $this->assertSame($this->ledgerNet([]), $this->minus($c['credits_added'], $c['credits_removed'], $c['balance_debited']));
        $aliceNow = aipkit_usage_balance($this->alice)['balance'];
        $bobNow = aipkit_usage_balance($this->bob)['balance'];

        // Per user: the cards sum only that user's entries, and the difference is that user's balance (they started at 0).
        foreach ([[$this->alice, $aliceNow], [$this->bob, $bobNow]] as [$uid, $now]) {
            $u = Activity::aggregate($r, ['user_id' => $uid]);
            $this->assertSame(Activity::direct($r, ['user_id' => $uid]), $u);
            $this->assertSame(Activity::sum($now), $this->minus($u['cards']['credits_added'], $u['cards']['credits_removed'], $u['cards']['balance_debited']), "user $uid");
            $this->assertSame(count($this->ledgerRows($uid)), $u['cards']['ledger_entries']);
            $this->assertSame($u['cards']['ledger_entries'], count(Activity::entries($r, ['user_id' => $uid])['items']));
        }
        $bob = Activity::aggregate($r, ['user_id' => $this->bob])['cards'];
        $this->assertSame('4.000000', $bob['credits_added']);
        $this->assertSame('0.000000', $bob['credits_removed']);
        $this->assertSame(2, $bob['ledger_entries']);

        // Per kind: only that kind's figures.
        $usage = Activity::aggregate($r, ['kind' => 'usage'])['cards'];
        $this->assertSame('0.000000', $usage['credits_added']);
        $this->assertSame($c['balance_debited'], $usage['balance_debited']);
        $this->assertSame(3, $usage['ledger_entries']);
        $adj = Activity::aggregate($r, ['kind' => 'admin_adjustment', 'user_id' => $this->alice])['cards'];
        $this->assertSame('13.000000', $adj['credits_added']);
        $this->assertSame('3.000000', $adj['credits_removed']);
        $this->assertSame('0.000000', $adj['balance_debited']);
        $rev = Activity::aggregate($r, ['kind' => 'purchase_reversal'])['cards'];
        $this->assertSame('2.000000', $rev['credits_removed']);

        // The series has every day of the range, zeros included, and sums to the cards.
        $series = Activity::aggregate($r)['series'];
        $this->assertGreaterThanOrEqual(7, count($series));
        $this->assertSame($c['ledger_entries'], array_sum(array_column($series, 'entries')));
        $this->assertContains(0, array_column($series, 'entries'));
    }

    public function testRestCardsFollowTheUserFilter(): void
    {
        $all = $this->restData($this->rest('GET', '/aipkit/v1/activity', ['range' => '7']));
        $bob = $this->restData($this->rest('GET', '/aipkit/v1/activity', ['range' => '7', 'user_id' => $this->bob]));
        $this->assertSame(2, $bob['cards']['ledger_entries']);
        $this->assertCount(2, $bob['entries']['items']);
        $this->assertNotSame($all['cards'], $bob['cards']);
        $this->assertIsInt($bob['entries']['items'][0]['at']);
    }

    public function testSumsBeyondTenToTheFourteenStayExact(): void
    {
        foreach ([1, 2, 3] as $i) {
            $this->assertIsInt(\AipkitUsage\Billing\Transaction::run(fn() => Ledger::append(['kind' => 'purchase', 'user_id' => $this->bob, 'amount' => '99999999999999.999999', 'idempotency_key' => "purchase:big:$i"])));
        }
        $c = Activity::aggregate(Activity::range('7'), ['kind' => 'purchase'])['cards'];
        $this->assertSame('300000000000004.999997', $c['credits_added'], '3 × (10^14 − 0.000001) + the purchase of 5');
        $this->assertSame($c, Activity::direct(Activity::range('7'), ['kind' => 'purchase'])['cards']);
    }

    public function testBadDatesAre400NotServerErrors(): void
    {
        foreach (["2026-01-0\0", "2026-01-01\0", '2026-13-45', 'yesterday', "\0"] as $bad) {
            foreach (['from', 'to'] as $field) {
                $params = ['range' => 'custom', 'from' => '2026-01-01', 'to' => '2026-01-31', $field => $bad];
                foreach (['/aipkit/v1/activity', '/aipkit/v1/activity/export'] as $route) {
                    $res = $this->rest('GET', $route, $params);
                    $this->assertSame(400, $res->get_status(), "$route $field=" . json_encode($bad));
                }
            }
        }
        $this->assertInstanceOf(\WP_Error::class, Activity::range('custom', "2026-01-01\0", '2026-01-02'));
    }

    public function testCsvKeepsNumbersAndNeutralisesText(): void
    {
        $this->assertIsArray(Balances::credit($this->bob, '1', 'purchase', 'purchase:cards:formula', ['note' => '=HYPERLINK("http://x")']));
        $out = '';
        $this->assertTrue(Activity::csv(Activity::range('7'), ['user_id' => $this->bob], static function (string $s) use (&$out) {
            $out .= $s;
        }));
        $lines = array_values(array_filter(explode("\r\n", $out)));
        $this->assertStringStartsWith('id,date,kind,user_id', $lines[0]);
        $this->assertCount(4, $lines, 'header + bob\'s 3 entries');
        $usage = array_values(array_filter($lines, static fn($l) => str_contains($l, ',usage,')))[0];
        $this->assertMatchesRegularExpression('/,-0\.\d{6},/', $usage, 'a debit stays a negative number');
        $this->assertStringContainsString(",\"'=HYPERLINK(\"\"http://x\"\")\"", $out);
        // Dates are site time with the offset (ISO 8601).
        $this->assertMatchesRegularExpression('/^\d+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d,/', $lines[1]);
    }
}
