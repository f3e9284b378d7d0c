<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Metering;
use AipkitUsage\Billing\Module;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * Replays return the first result verbatim; hold lifetime comes from the settings (REST); expired
 * holds go on the subject's next request and with the scheduled sweep; the database itself refuses
 * a second enabled rule; the Site Health reconcile test reports a tampered balance.
 */
final class HoldsAndReplayTest extends TestCase
{
    use BillingFixtures;

    public function testRepeatedAuthorizeReturnsTheFirstResultEvenAfterSettle(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $req = $this->request($u);
        $first = aipkit_usage_authorize($req);
        $this->assertSame('held', $first['status']);
        $this->assertSame('1.400000', $first['quote']['credits']);
        $this->assertSame($first, aipkit_usage_authorize($req));
        // A different estimate under the same request id changes nothing: still the first answer.
        $this->assertSame($first, aipkit_usage_authorize(['estimate' => ['input_tokens' => 99999]] + $req));
        $settled = aipkit_usage_settle($first, ['input_tokens' => 800, 'output_tokens' => 300], ['user_message' => 'hi', 'reply' => 'hello']);
        $this->assertIsInt($settled['log_id']);
        $this->assertSame($first, aipkit_usage_authorize($req), 'after settle the replay is still the first authorize result');
        $this->assertSame($settled, aipkit_usage_settle($first, ['input_tokens' => 1]), 'the repeated settle includes the log id');
        $this->assertSame($settled, aipkit_usage_release($first));
        global $wpdb;
        $this->assertSame('1', $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . Tables::holds() . ' WHERE request_id = %s', $req['request_id'])));
        $this->assertSame('1', $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . $wpdb->prefix . 'aipkit_logs WHERE user_id = %d', $u)));
        $this->assertSame('8.600000', aipkit_usage_balance($u)['balance']);
        $this->assertReconciled();
    }

    public function testGuestReplayKeepsTheGuestKey(): void
    {
        $_SERVER['REMOTE_ADDR'] = '192.0.2.44';
        unset($_COOKIE['aipkit_guest']);
        $req = $this->request(0);
        $first = aipkit_usage_authorize($req);
        $this->assertMatchesRegularExpression('/^[a-f0-9]{16}$/', $first['guest_key']);
        $this->assertSame($first, aipkit_usage_authorize($req));
    }

    public function testHoldLifetimeDefaultsToFifteenMinutesAndFollowsTheRestSetting(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $life = function (array $h): int {
            global $wpdb;
            return (int) $wpdb->get_var($wpdb->prepare('SELECT TIMESTAMPDIFF(SECOND, created_at, expires_at) FROM ' . Tables::holds() . ' WHERE id = %d', $h['hold_id']));
        };
        $this->assertSame(15 * 60, $life(aipkit_usage_authorize($this->request($u))));

        $this->actAs($this->createUser('administrator'));
        $r = $this->rest('POST', '/aipkit/v1/settings', ['hold_lifetime_minutes' => 2, 'consumption_order' => 'quota_first'], $this->restNonce());
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $this->quota(['user_limit' => '5']);
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame(120, $life($h));
        $this->assertSame(['0.000000', '1.000000'], [$h['hold_balance'], $h['hold_quota']], 'consumption order from the REST setting');
    }

    public function testExpiredHoldsAreReleasedOnTheSubjectsNextRequestAndByTheScheduledSweep(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $a = $this->createUser();
        $b = $this->createUser();
        $this->fund($a, '2');
        $this->fund($b, '2');
        $ha = aipkit_usage_authorize($this->request($a));
        $hb = aipkit_usage_authorize($this->request($b));
        aipkit_usage_authorize($this->request($a));
        $this->assertSame('0.000000', aipkit_usage_balance($a)['available']);
        global $wpdb;
        $wpdb->query('UPDATE ' . Tables::holds() . " SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE status = 'held'");

        // a's next request frees a's two expired holds first, so it is admitted; b's hold is untouched.
        $next = aipkit_usage_authorize($this->request($a));
        $this->assertIsArray($next, is_wp_error($next) ? $next->get_error_message() : '');
        $this->assertSame('expired', Metering::find($ha['hold_id'])['status']);
        $this->assertSame('held', Metering::find($hb['hold_id'])['status']);
        $this->assertSame('1.000000', aipkit_usage_balance($a)['held']);

        // The cron hook is scheduled on the 5-minute schedule and releases the rest.
        $this->assertNotFalse(wp_next_scheduled(Module::SWEEP_HOOK));
        $this->assertSame('aipkit_five_minutes', wp_get_schedule(Module::SWEEP_HOOK));
        do_action(Module::SWEEP_HOOK);
        $this->assertSame('expired', Metering::find($hb['hold_id'])['status']);
        $this->assertSame('0.000000', aipkit_usage_balance($b)['held']);

        // A late settle of an expired hold still charges the real usage from what is available.
        $s = aipkit_usage_settle($hb, ['input_tokens' => 1]);
        $this->assertSame('1.000000', $s['balance_debit']);
        $this->assertSame('1.000000', aipkit_usage_balance($b)['balance']);
        $this->assertSame($s, aipkit_usage_settle($hb, ['input_tokens' => 1]));
        $this->assertReconciled();
    }

    public function testTheDatabaseRefusesASecondEnabledRuleForTheSameTriple(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        global $wpdb;
        $row = ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'flat', 'unit_rate' => '2', 'enabled' => 1, 'active_slot' => 1, 'created_at' => gmdate('Y-m-d H:i:s'), 'updated_at' => gmdate('Y-m-d H:i:s'), 'updated_by' => 1];
        $suppress = $wpdb->suppress_errors(true);
        $ok = $wpdb->insert(Tables::pricing_rules(), $row);
        $wpdb->suppress_errors($suppress);
        $this->assertFalse($ok, 'a raw INSERT bypassing PHP is refused by the unique index');
        $this->assertStringContainsString('Duplicate entry', $wpdb->last_error);
        // Disabled copies (active_slot NULL) may coexist.
        $this->assertSame(1, $wpdb->insert(Tables::pricing_rules(), ['enabled' => 0, 'active_slot' => null] + $row));
        $this->assertSame('2', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::pricing_rules()));
    }

    public function testSiteHealthReconcileTestReportsATamperedBalance(): void
    {
        $tests = apply_filters('site_status_tests', ['direct' => [], 'async' => []]);
        $this->assertArrayHasKey('aipkit_usage_ledger', $tests['direct']);
        $run = $tests['direct']['aipkit_usage_ledger']['test'];
        $u = $this->createUser();
        $this->fund($u, '5');
        $this->assertSame('good', call_user_func($run)['status']);
        global $wpdb;
        $wpdb->query($wpdb->prepare('UPDATE ' . Tables::balances() . ' SET balance = 6 WHERE user_id = %d', $u));
        $r = call_user_func($run);
        $this->assertSame('critical', $r['status']);
        $this->assertSame('AI Puffer balances differ from the ledger', $r['label']);
        $this->assertStringContainsString('1 differ from their ledger sum', $r['description']);
    }
}
