<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\Metering;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 9 §4 (billing): the log exchange is written inside the settle transaction, a failed log
 * write is reported as log_error (never as log_id) and takes back only its own rows; one clock gives
 * a metering step its instant (hold times, period keys, refusal time).
 */
final class MeteringLifeTest extends TestCase
{
    use BillingFixtures;

    protected function tearDown(): void
    {
        Clock::use(null);
        parent::tearDown();
    }

    public function testAFailedLogWriteIsReportedAsLogErrorAndTheChargeStands(): void
    {
        global $wpdb;
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '5');
        $h = aipkit_usage_authorize($this->request($u));
        $logs = $wpdb->prefix . 'aipkit_logs';
        $convs = $wpdb->prefix . 'aipkit_conversations';
        $convsBefore = (int) $wpdb->get_var("SELECT COUNT(*) FROM $convs");
        // The log row's INSERT fails (a missing table), after the conversation row was written.
        $break = static function ($sql) use ($logs) {
            return preg_match('/^\s*INSERT INTO `?' . preg_quote($logs, '/') . '`? /i', (string) $sql) ? str_replace($logs, $logs . '_missing', $sql) : $sql;
        };
        add_filter('query', $break);
        $s = aipkit_usage_settle($h, ['input_tokens' => 1], ['conversation_id' => 'conv-log-fail', 'user_message' => 'hi', 'reply' => 'hello']);
        remove_filter('query', $break);

        $this->assertIsArray($s, is_wp_error($s) ? $s->get_error_message() : '');
        $this->assertSame('settled', $s['status']);
        $this->assertNull($s['log_id']);
        $this->assertIsString($s['log_error']);
        $this->assertStringContainsString('log', strtolower($s['log_error']));
        $this->assertSame('4.000000', aipkit_usage_balance($u)['balance'], 'the charge committed');
        $this->assertSame('0', $wpdb->get_var("SELECT COUNT(*) FROM $logs WHERE user_id = " . (int) $u));
        $this->assertSame($convsBefore, (int) $wpdb->get_var("SELECT COUNT(*) FROM $convs"), 'the half-written log was taken back');
        $this->assertSame($s, aipkit_usage_settle($h, ['input_tokens' => 1]), 'the first result, log_error included');
        $this->assertReconciled();
    }

    public function testTheLogAndTheChargeAreOneCommit(): void
    {
        global $wpdb;
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '5');
        $h = aipkit_usage_authorize($this->request($u));
        $after = [];
        $depth = 0;
        $committed = false;
        // Statements arrive after TestCase turned transactions into savepoints: the settle's own
        // unit ends when the depth of savepoints opened during the call is back to 0.
        $watch = static function ($sql) use (&$after, &$depth, &$committed) {
            if (preg_match('/^\s*(START TRANSACTION|SAVEPOINT)/i', (string) $sql)) {
                ++$depth;
            } elseif (preg_match('/^\s*(COMMIT|RELEASE SAVEPOINT|ROLLBACK)/i', (string) $sql)) {
                $committed = 0 === --$depth;
            } elseif ($committed && preg_match('/^\s*(UPDATE|INSERT)/i', (string) $sql)) {
                $after[] = $sql;
            }
            return $sql;
        };
        add_filter('query', $watch, PHP_INT_MAX);
        $s = aipkit_usage_settle($h, ['input_tokens' => 1], ['user_message' => 'hi', 'reply' => 'hello']);
        remove_filter('query', $watch, PHP_INT_MAX);
        $this->assertIsInt($s['log_id']);
        $this->assertNull($s['log_error']);
        $this->assertSame([], $after, 'nothing is written after the settle committed');
        $stored = json_decode(Metering::find($h['hold_id'])['result'], true);
        $this->assertSame($s['log_id'], $stored['final']['log_id']);
    }

    public function testOneClockGivesTheHoldItsTimesAndThePeriodItsKey(): void
    {
        $t = gmmktime(10, 0, 0, 3, 14, 2031);
        Clock::use(new Clock($t));
        update_option('timezone_string', 'UTC');
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['user_limit' => '5', 'period' => 'daily']);
        $u = $this->createUser();
        $h = aipkit_usage_authorize($this->request($u));
        $row = Metering::find($h['hold_id']);
        $this->assertSame('2031-03-14 10:00:00', $row['created_at']);
        $this->assertSame('2031-03-14 10:15:00', $row['expires_at']);
        global $wpdb;
        $keys = $wpdb->get_col($wpdb->prepare('SELECT period_key FROM ' . Tables::counters() . ' WHERE subject = %s', 'user:' . $u));
        $this->assertSame(['2031-03-14'], $keys);
        $this->assertSame('2031-03-14 10:00:00', $wpdb->get_var($wpdb->prepare('SELECT updated_at FROM ' . Tables::counters() . ' WHERE subject = %s', 'user:' . $u)));

        // The sweep reads the same clock: 16 minutes later the hold has expired.
        Clock::use(new Clock($t + 16 * 60));
        $this->assertSame(1, Metering::sweep());
        $this->assertSame('expired', Metering::find($h['hold_id'])['status']);
    }
}
