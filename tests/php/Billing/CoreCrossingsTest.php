<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\CoreConstants;
use AipkitUsage\Billing\Metering;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 13 §4: a metered request crosses into the core at most twice — one `authorize`, one
 * `settle_usage` — on whichever backend runs (bin/test-php: FFI, bin/test-php-noffi: the generated
 * PHP core). Counted by Core\Gateway around every core call; the in-process copy of the core's
 * constants is dropped first, so a request that had to read them would be over budget.
 */
final class CoreCrossingsTest extends TestCase
{
    use BillingFixtures;

    protected function setUp(): void
    {
        parent::setUp();
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        // The constants are kept in an autoloaded option; the first read after a core build fills it.
        CoreConstants::forget();
        CoreConstants::all();
        Metering::reset();
    }

    /** Runs $fn as a fresh request would (no in-process constants) and returns [result, core calls]. */
    private function crossings(callable $fn): array
    {
        CoreConstants::forget();
        $before = Gateway::crossings();
        $result = $fn();
        return [$result, Gateway::crossings() - $before];
    }

    public function testAUserRequestWithoutAQuotaRuleCrossesTwice(): void
    {
        $u = $this->createUser();
        $this->fund($u, '10');
        $req = $this->request($u);
        [$h, $n] = $this->crossings(fn() => aipkit_usage_authorize($req));
        $this->assertSame('held', $h['status'], wp_json_encode($h));
        $this->assertSame(1, $n, 'authorize: one core call on ' . Gateway::backend());
        [$s, $n] = $this->crossings(fn() => aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300], ['user_message' => 'hi', 'reply' => 'hello', 'vector_context' => [['id' => 'd1', 'score' => '0.82']]]));
        $this->assertSame('settled', $s['status'], wp_json_encode($s));
        $this->assertSame('1.400000', $s['credits']);
        $this->assertIsInt($s['log_id']);
        $this->assertSame(1, $n, 'settle, ledger key and log included: one core call on ' . Gateway::backend());
        $this->assertSame(getenv('AIPKIT_FFI') === '0' ? 'php' : 'ffi', Gateway::backend(), 'the stage runs the backend it names');
        $this->assertReconciled();
    }

    public function testAQuotaRuleInANewPeriodAndTheNextRequestInItCrossTwiceEach(): void
    {
        $this->quota(['user_limit' => '2', 'period' => 'daily']);
        $u = $this->createUser();
        foreach (['creates the counter', 'finds the counter'] as $case) {
            [$h, $n] = $this->crossings(fn() => aipkit_usage_authorize($this->request($u)));
            $this->assertSame('held', $h['status'], $case . ': ' . wp_json_encode($h));
            $this->assertSame('1.400000', $h['hold_quota']);
            $this->assertSame(1, $n, $case);
            [$s, $n] = $this->crossings(fn() => aipkit_usage_settle($h, ['input_tokens' => 100, 'output_tokens' => 100]));
            $this->assertSame('settled', $s['status']);
            $this->assertSame(1, $n, $case);
        }
        global $wpdb;
        $row = $wpdb->get_row($wpdb->prepare('SELECT used, held, period_end FROM ' . Tables::counters() . ' WHERE subject = %s', 'user:' . $u), ARRAY_A);
        $this->assertSame(['used' => '0.600000', 'held' => '0.000000'], ['used' => $row['used'], 'held' => $row['held']], 'one row for the period, both requests counted');
        $this->assertGreaterThan(time(), (int) $row['period_end'], 'the row knows when its period ends');
        $this->assertLessThanOrEqual(time() + 2 * DAY_IN_SECONDS, (int) $row['period_end']);
    }

    public function testARefusalAndAReplayCrossOnceEach(): void
    {
        $this->quota(['user_limit' => '1', 'period' => 'never']);
        $u = $this->createUser();
        [$r, $n] = $this->crossings(fn() => aipkit_usage_authorize($this->request($u)));
        $this->assertWPError($r, 'aipkit_quota_exceeded');
        $this->assertSame(1, $n, 'a refusal decides in the same one call');
        $this->fund($u, '5');
        $req = $this->request($u);
        $first = aipkit_usage_authorize($req);
        [$again, $n] = $this->crossings(fn() => aipkit_usage_authorize($req));
        $this->assertSame($first, $again);
        $this->assertSame(0, $n, 'a replay answers from the stored hold');
        aipkit_usage_settle($first, ['input_tokens' => 800, 'output_tokens' => 300]);
        [$s, $n] = $this->crossings(fn() => aipkit_usage_settle($first, ['input_tokens' => 1]));
        $this->assertSame('settled', $s['status']);
        $this->assertSame(0, $n, 'a repeated settle answers the first result');
    }

    public function testAGuestWithTwoCountersCrossesTwice(): void
    {
        $this->quota(['guest_limit' => '5', 'period' => 'weekly']);
        $_SERVER['REMOTE_ADDR'] = '192.0.2.71';
        unset($_COOKIE['aipkit_guest']);
        [$h, $n] = $this->crossings(fn() => aipkit_usage_authorize($this->request(0)));
        $this->assertSame('held', $h['status'], wp_json_encode($h));
        $this->assertSame(1, $n);
        [$s, $n] = $this->crossings(fn() => aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300, 'failed' => true]));
        $this->assertSame('released', $s['status'], 'a failed reply charges nothing');
        $this->assertSame(1, $n);
        global $wpdb;
        $this->assertSame('2', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::counters() . " WHERE subject LIKE 'guest:%' AND held = 0 AND period_end IS NOT NULL"));
    }

    private function assertWPError($value, string $code): void
    {
        $this->assertInstanceOf(\WP_Error::class, $value);
        $this->assertSame($code, $value->get_error_code());
    }
}
