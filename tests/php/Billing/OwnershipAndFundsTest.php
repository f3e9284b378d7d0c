<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Metering;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Settings;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 8 items 2, 3 and 6: a request id belongs to its subject and module (another user's or guest's
 * id is a 409, never their hold); nothing available means no admission whatever the estimate;
 * uncovered usage is bounded by a setting; the "no quota rule" behaviour is the owner's choice;
 * every refusal is announced through aipkit_usage_refused.
 */
final class OwnershipAndFundsTest extends TestCase
{
    use BillingFixtures;

    /** @var array<int,array> payloads of aipkit_usage_refused */
    private array $refusals = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->refusals = [];
        add_action('aipkit_usage_refused', function (array $r): void {
            $this->refusals[] = $r;
        });
    }

    public function testAnotherUsersRequestIdIsAConflictAndNeverTheirHold(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $a = $this->createUser();
        $b = $this->createUser();
        $this->fund($a, '5');
        $this->fund($b, '5');
        $req = $this->request($a);
        $ha = aipkit_usage_authorize($req);
        $this->assertSame('held', $ha['status']);

        $hb = aipkit_usage_authorize(['user_id' => $b] + $req);
        $this->assertWPError($hb, 'aipkit_request_conflict', 409);
        $this->assertSame('request_id', $hb->get_error_data()['field']);
        // Same subject, another module: also not a replay.
        $hm = aipkit_usage_authorize(['module' => 'forms'] + $req);
        $this->assertWPError($hm, 'aipkit_request_conflict', 409);

        // Nothing of A's moved, and A's own replay still works.
        $this->assertSame('1.000000', aipkit_usage_balance($a)['held']);
        $this->assertSame('0.000000', aipkit_usage_balance($b)['held']);
        $this->assertSame($ha, aipkit_usage_authorize($req));
        // A settle that names B (or another module) cannot spend A's hold either.
        $this->assertWPError(aipkit_usage_settle(['user_id' => $b] + $ha, ['input_tokens' => 1]), 'aipkit_hold_not_yours', 409);
        $this->assertWPError(aipkit_usage_settle(['module' => 'forms'] + $ha, ['input_tokens' => 1]), 'aipkit_hold_not_yours', 409);
        $this->assertSame('5.000000', aipkit_usage_balance($a)['balance']);
        $this->assertReconciled();
    }

    public function testAnotherGuestsRequestIdIsAConflict(): void
    {
        $this->quota(['guest_limit' => '5']);
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $_SERVER['REMOTE_ADDR'] = '192.0.2.10';
        unset($_COOKIE['aipkit_guest']);
        $req = $this->request(0);
        $first = aipkit_usage_authorize($req);
        $this->assertSame('held', $first['status']);
        $this->assertSame($first, aipkit_usage_authorize($req), 'the same guest replays');

        // Another guest (no cookie, another address) sends the first guest's request id.
        $_SERVER['REMOTE_ADDR'] = '192.0.2.11';
        unset($_COOKIE['aipkit_guest']);
        $other = aipkit_usage_authorize($req);
        $this->assertWPError($other, 'aipkit_request_conflict', 409);
        global $wpdb;
        $this->assertSame('1', $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . Tables::holds() . ' WHERE request_id = %s', $req['request_id'])));
        $this->assertSame('held', Metering::find($first['hold_id'])['status']);
    }

    public function testAUserWithNothingAvailableIsRefusedEvenForAZeroEstimate(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '1']);
        $this->quota(['user_limit' => '0']);
        $u = $this->createUser();
        $r = aipkit_usage_authorize($this->request($u, ['estimate' => []]));
        $this->assertWPError($r, 'aipkit_quota_exceeded', 429);
        $this->assertSame('nothing_available', $r->get_error_data()['reason']);
        $this->assertArrayNotHasKey('_refusal', $r->get_error_data(), 'the action payload is not part of the answer');
        $this->assertSame([], $this->ledgerRows($u));

        $this->assertCount(1, $this->refusals);
        $p = $this->refusals[0];
        $this->assertSame(['user_id', 'guest_key', 'module', 'bot_id', 'usage_type', 'provider', 'model', 'estimate', 'balance_available', 'held', 'quota', 'rule_id', 'reason', 'message', 'at'], array_keys($p));
        $this->assertSame($u, $p['user_id']);
        $this->assertNull($p['guest_key']);
        $this->assertSame('0.000000', $p['estimate']);
        $this->assertSame('nothing_available', $p['reason']);
        $this->assertSame([['scope' => 'chatbot', 'limit' => '0.000000', 'used' => '0.000000', 'held' => '0.000000', 'remaining' => '0.000000', 'period_key' => 'all']], $p['quota']);
        $this->assertIsInt($p['rule_id']);
        $this->assertSame($r->get_error_message(), $p['message']);
        $this->assertEqualsWithDelta(time(), $p['at'], 5);
    }

    public function testAGuestWithAFullQuotaIsRefusedAndAnnounced(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['guest_limit' => '1', 'message' => 'Guests get one message.']);
        $_SERVER['REMOTE_ADDR'] = '192.0.2.20';
        unset($_COOKIE['aipkit_guest']);
        $h = aipkit_usage_authorize($this->request(0));
        aipkit_usage_settle($h, ['input_tokens' => 1]);
        $r = aipkit_usage_authorize($this->request(0, ['estimate' => []]));
        $this->assertWPError($r, 'aipkit_quota_exceeded', 429);
        $this->assertSame('Guests get one message.', $r->get_error_message());
        $this->assertCount(1, $this->refusals);
        $this->assertSame($h['guest_key'], $this->refusals[0]['guest_key']);
        $this->assertSame(0, $this->refusals[0]['user_id']);
        $this->assertCount(2, $this->refusals[0]['quota'], 'cookie and network address counters');
        $this->assertSame('1.000000', $this->refusals[0]['quota'][0]['used']);
    }

    public function testUncoveredUsageIsBoundedUntilTheOwnerClearsIt(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '1']);
        $this->quota(['user_limit' => '0']);
        $u = $this->createUser();
        $this->fund($u, '0.5');
        // Estimated small, delivered 20 credits: 19.5 of them nothing pays for.
        $h = aipkit_usage_authorize($this->request($u, ['estimate' => ['input_tokens' => 100]]));
        $this->assertSame('held', $h['status']);
        $s = aipkit_usage_settle($h, ['input_tokens' => 20000]);
        $this->assertSame('19.500000', $s['uncovered']);
        $this->assertSame('19.500000', aipkit_usage_balance($u)['uncovered']);

        // Credits arrive, but the uncovered total is above the bound (default 1): still refused.
        $this->fund($u, '100');
        $r = aipkit_usage_authorize($this->request($u));
        $this->assertWPError($r, 'aipkit_quota_exceeded', 429);
        $this->assertSame('uncovered_limit', $r->get_error_data()['reason']);
        $this->assertSame('18.500000', $r->get_error_data()['shortfall']);
        $this->assertSame('uncovered_limit', end($this->refusals)['reason']);

        // A looser bound admits again.
        $this->assertIsArray(Settings::update(['uncovered_limit' => '20']));
        $this->assertSame('held', aipkit_usage_authorize($this->request($u))['status']);
        $this->assertIsArray(Settings::update(['uncovered_limit' => '1']));
        $this->assertWPError(aipkit_usage_authorize($this->request($u)), 'aipkit_quota_exceeded', 429);

        // The owner clears it through REST: admitted again, and the clearing is in the ledger.
        $admin = $this->createUser('administrator');
        $this->actAs($admin);
        $res = $this->rest('POST', '/aipkit/v1/balances/' . $u . '/clear-uncovered', ['expected_uncovered' => '19.5'], $this->restNonce());
        $this->assertSame(200, $res->get_status(), wp_json_encode($res->get_data()));
        $this->assertSame('0.000000', $res->get_data()['uncovered']);
        $this->assertSame('0.000000', aipkit_usage_balance($u)['uncovered']);
        $rows = $this->ledgerRows($u);
        $last = end($rows);
        $this->assertSame('admin_adjustment', $last['kind']);
        $this->assertSame('0.000000', $last['amount']);
        $this->assertSame('-19.500000', $last['uncovered']);
        $this->assertSame('held', aipkit_usage_authorize($this->request($u))['status']);
        $this->assertReconciled();
    }

    public function testClearingUncoveredChecksWhatTheOwnerSaw(): void
    {
        $u = $this->createUser();
        global $wpdb;
        $wpdb->query($wpdb->prepare('INSERT INTO ' . Tables::balances() . ' (user_id, balance, held, uncovered, updated_at) VALUES (%d, 0, 0, 3, UTC_TIMESTAMP())', $u));
        $this->actAs($this->createUser('administrator'));
        $res = $this->rest('POST', '/aipkit/v1/balances/' . $u . '/clear-uncovered', ['expected_uncovered' => '2'], $this->restNonce());
        $this->assertSame(409, $res->get_status());
        $this->assertSame('aipkit_stale_uncovered', $res->get_data()['code']);
        $this->assertSame('3.000000', aipkit_usage_balance($u)['uncovered']);
        // A subscriber may not clear anything.
        $this->actAs($this->createUser('subscriber'));
        $res = $this->rest('POST', '/aipkit/v1/balances/' . $u . '/clear-uncovered', ['expected_uncovered' => '3'], $this->restNonce());
        $this->assertSame(403, $res->get_status());
        $this->assertSame('3.000000', aipkit_usage_balance($u)['uncovered']);
    }

    public function testNoQuotaRuleIsUnlimitedByDefaultAndBalanceOnlyWhenTheOwnerSaysSo(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->assertSame('unlimited', Settings::no_quota_rule());
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame(['0.000000', '1.000000'], [$h['hold_balance'], $h['hold_quota']], 'no rule, no balance: unlimited quota');
        aipkit_usage_release($h);

        $this->assertIsArray(Settings::update(['no_quota_rule' => 'balance_only']));
        $r = aipkit_usage_authorize($this->request($u));
        $this->assertWPError($r, 'aipkit_quota_exceeded', 429);
        $this->assertSame('nothing_available', $r->get_error_data()['reason']);
        $this->assertSame('You have no credits left. Buy credits to continue.', $r->get_error_message());
        $this->fund($u, '1');
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame(['1.000000', '0.000000'], [$h['hold_balance'], $h['hold_quota']]);
        $this->assertWPError(Settings::update(['no_quota_rule' => 'free']), 'aipkit_invalid_setting', 400);
    }

    public function testQuotasAndBalancesScreensGetTheChoiceAndTheUncoveredTotals(): void
    {
        $this->quota(['module' => 'chatbot', 'user_limit' => '5']);
        $this->quota(['module' => 'ai_forms', 'bot_id' => 'form-1', 'user_limit' => '5']);
        $u = $this->createUser();
        global $wpdb;
        $wpdb->query($wpdb->prepare('INSERT INTO ' . Tables::balances() . ' (user_id, balance, held, uncovered, updated_at) VALUES (%d, 2, 0, 0.25, UTC_TIMESTAMP())', $u));
        $this->actAs($this->createUser('administrator'));
        $q = $this->rest('GET', '/aipkit/v1/quotas')->get_data();
        $this->assertSame('unlimited', $q['no_quota_rule']);
        $this->assertContains('ai_forms', $q['modules_without_rule'], 'a bot rule is not a module rule');
        $this->assertContains('image_generator', $q['modules_without_rule']);
        $this->assertNotContains('chatbot', $q['modules_without_rule']);
        $user = get_userdata($u);
        $b = $this->rest('GET', '/aipkit/v1/balances', ['search' => $user->user_login])->get_data();
        $this->assertSame('0.250000', $b['items'][0]['uncovered']);
        $d = $this->rest('GET', '/aipkit/v1/balances/' . $u)->get_data();
        $this->assertSame('0.250000', $d['balance']['uncovered']);
    }

    public function testSettingsRefuseABadUncoveredLimitAndAnExponentLifetime(): void
    {
        $this->assertSame('1.000000', Settings::uncovered_limit());
        foreach (['-1', '1e3', 'abc', '1.0000001'] as $bad) {
            $this->assertWPError(Settings::update(['uncovered_limit' => $bad]), 'aipkit_invalid_setting', 400);
        }
        $this->actAs($this->createUser('administrator'));
        foreach (['1e3', '15.0', ' 15'] as $bad) {
            $r = $this->rest('POST', '/aipkit/v1/settings', ['hold_lifetime_minutes' => $bad], $this->restNonce());
            $this->assertSame(400, $r->get_status(), $bad . ': ' . wp_json_encode($r->get_data()));
        }
        $this->assertSame(15, Settings::hold_lifetime_minutes());
        $r = $this->rest('POST', '/aipkit/v1/settings', ['hold_lifetime_minutes' => '30', 'uncovered_limit' => '2.5', 'no_quota_rule' => 'balance_only'], $this->restNonce());
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $this->assertSame(['30', '2.500000', 'balance_only'], [(string) $r->get_data()['hold_lifetime_minutes'], $r->get_data()['uncovered_limit'], $r->get_data()['no_quota_rule']]);
    }

    public function testSmallLimitsAreEnforcedWithAClearError(): void
    {
        $u = $this->createUser();
        $r = \AipkitUsage\Billing\Balances::credit($u, '0', 'purchase', 'purchase:1:1');
        $this->assertWPError($r, 'aipkit_invalid_amount', 400);
        $this->assertSame('amount', $r->get_error_data()['field']);
        $this->assertSame([], $this->ledgerRows($u));

        $this->actAs($this->createUser('administrator'));
        $long = $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'chatbot', 'user_limit' => '5', 'message' => str_repeat('x', 1001)], $this->restNonce());
        $this->assertSame(400, $long->get_status());
        $this->assertSame('message', $long->get_data()['data']['field']);
        $ok = $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'chatbot', 'user_limit' => '5', 'message' => str_repeat('é', 1000)], $this->restNonce());
        $this->assertSame(201, $ok->get_status(), 'a 1,000-character message is accepted');
        $roles = [];
        for ($i = 0; $i < 101; $i++) {
            $roles['role' . $i] = '1';
        }
        $many = $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'ai_forms', 'user_limit' => '5', 'role_limits' => $roles], $this->restNonce());
        $this->assertSame(400, $many->get_status());
        $this->assertSame('aipkit_too_many_roles', $many->get_data()['code']);
        array_pop($roles);
        $this->assertSame(201, $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'ai_forms', 'user_limit' => '5', 'role_limits' => $roles], $this->restNonce())->get_status());
    }

    private function assertWPError($value, string $code, int $status): void
    {
        $this->assertInstanceOf(\WP_Error::class, $value, 'expected ' . $code . ', got ' . wp_json_encode($value));
        $this->assertSame($code, $value->get_error_code(), $value->get_error_message());
        $this->assertSame($status, $value->get_error_data()['status']);
    }
}
