<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Tests\TestCase;

final class MeteringTest extends TestCase
{
    use BillingFixtures;

    public function testSeedExampleQuotesOnePointFour(): void
    {
        $rule = $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        $q = aipkit_usage_quote(['usage_type' => 'chat', 'provider' => 'OpenAI', 'model' => 'gpt-4o', 'input_tokens' => 800, 'output_tokens' => 300]);
        $this->assertSame('1.400000', $q['credits']);
        $this->assertSame($rule['id'], $q['rule_id']);
        $this->assertFalse($q['fallback']);
        $this->assertSame(['Input', 'Output', 'Total'], array_column($q['breakdown'], 'label'));
        $this->assertSame('800 / 1000 × 1', $q['breakdown'][0]['calculation']);
    }

    public function testSeedExampleChargedEndToEnd(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $hold = aipkit_usage_authorize($this->request($u));
        $this->assertIsArray($hold);
        $this->assertSame('1.400000', $hold['hold_balance']);
        $this->assertSame('1.400000', aipkit_usage_balance($u)['held']);
        $this->assertSame('8.600000', aipkit_usage_balance($u)['available']);

        $s = aipkit_usage_settle($hold, ['input_tokens' => 800, 'output_tokens' => 300]);
        $this->assertSame('1.400000', $s['credits']);
        $this->assertSame('1.400000', $s['balance_debit']);
        $this->assertSame(['balance' => '8.600000', 'held' => '0.000000', 'available' => '8.600000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
        $rows = $this->ledgerRows($u);
        $this->assertCount(2, $rows);
        $this->assertSame('usage', $rows[1]['kind']);
        $this->assertSame('-1.400000', $rows[1]['amount']);
        $this->assertSame('8.600000', $rows[1]['balance_after']);
        $this->assertSame('usage:' . $hold['request_id'], $rows[1]['idempotency_key']);
        $this->assertReconciled();
    }

    /** @dataProvider methods */
    public function testEveryMethodCharged(string $type, array $rule, array $usage, string $expected): void
    {
        $this->rule(['usage_type' => $type] + $rule);
        $u = $this->createUser();
        $this->fund($u, '1000');
        $hold = aipkit_usage_authorize($this->request($u, ['usage_type' => $type, 'module' => 'image_generator', 'estimate' => $usage]));
        $this->assertIsArray($hold, is_wp_error($hold) ? $hold->get_error_message() : '');
        $s = aipkit_usage_settle($hold, $usage);
        $this->assertSame($expected, $s['credits']);
        $this->assertSame(Balances::get($u)['balance'], $this->ledgerRows($u)[1]['balance_after']);
        $this->assertReconciled();
    }

    public static function methods(): array
    {
        return [
            'flat chat' => ['chat', ['method' => 'flat', 'unit_rate' => '5'], ['input_tokens' => 10], '5.000000'],
            'per 1k tokens, tiny' => ['chat', ['method' => 'per_1k_tokens', 'input_rate' => '0.001', 'output_rate' => '0.001'], ['input_tokens' => 1000, 'output_tokens' => 150], '0.001150'],
            'per 1k tokens at 100' => ['form_submit', ['method' => 'per_1k_tokens', 'input_rate' => '100', 'output_rate' => '100'], ['input_tokens' => 1000, 'output_tokens' => 100], '110.000000'],
            'per image' => ['image_generate', ['method' => 'per_image', 'unit_rate' => '2.5'], ['images' => 3], '7.500000'],
            'image edit flat' => ['image_edit', ['method' => 'flat', 'unit_rate' => '1.25'], ['images' => 4], '1.250000'],
            'per video' => ['video_generate', ['method' => 'per_video', 'unit_rate' => '10'], ['videos' => 2], '20.000000'],
        ];
    }

    public function testFallbackChargesRawUnitsAndSaysSo(): void
    {
        $u = $this->createUser();
        $this->fund($u, '5000');
        $hold = aipkit_usage_authorize($this->request($u, ['model' => 'unpriced-model']));
        $s = aipkit_usage_settle($hold, ['input_tokens' => 800, 'output_tokens' => 300]);
        $this->assertSame('1100.000000', $s['credits']);
        $this->assertTrue($s['fallback']);
        $row = $this->ledgerRows($u)[1];
        $this->assertTrue(json_decode($row['rule_snapshot'], true)['fallback']);
        $this->assertStringContainsString('No pricing rule matched', $row['note']);
    }

    public function testWildcardModelAndExactWins(): void
    {
        $this->rule(['usage_type' => 'chat', 'model' => '*', 'method' => 'flat', 'unit_rate' => '3']);
        $exact = $this->rule(['usage_type' => 'chat', 'model' => 'gpt-4o', 'method' => 'flat', 'unit_rate' => '7']);
        $this->assertSame('3.000000', aipkit_usage_quote(['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'other'])['credits']);
        $q = aipkit_usage_quote(['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o']);
        $this->assertSame('7.000000', $q['credits']);
        $this->assertSame($exact['id'], $q['rule_id']);
    }

    public function testRuleEditsDoNotChangePastEntries(): void
    {
        $rule = $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '2']);
        $u = $this->createUser();
        $this->fund($u, '100');
        aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 1]);
        $before = $this->ledgerRows($u)[1];
        PricingRules::update($rule['id'], ['unit_rate' => '9'], 1);
        aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 1]);
        $rows = $this->ledgerRows($u);
        $this->assertSame($before, $rows[1]);
        $this->assertSame('2.000000', json_decode($rows[1]['rule_snapshot'], true)['rule']['unit_rate']);
        $this->assertSame('-9.000000', $rows[2]['amount']);
        $this->assertSame('89.000000', aipkit_usage_balance($u)['balance']);
    }

    public function testSettleAndReleaseAndAuthorizeAreIdempotent(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $req = $this->request($u);
        $hold = aipkit_usage_authorize($req);
        $again = aipkit_usage_authorize($req);
        $this->assertSame($hold['hold_id'], $again['hold_id']);
        $this->assertSame('1.000000', aipkit_usage_balance($u)['held']);
        $first = aipkit_usage_settle($hold, ['input_tokens' => 5]);
        $second = aipkit_usage_settle($hold, ['input_tokens' => 5000]);
        $this->assertSame($first, $second);
        $this->assertSame($first, aipkit_usage_release($hold));
        $this->assertSame('9.000000', aipkit_usage_balance($u)['balance']);
        $this->assertCount(2, $this->ledgerRows($u));

        $h2 = aipkit_usage_authorize($this->request($u));
        $r1 = aipkit_usage_release($h2);
        $this->assertSame('released', $r1['status']);
        $this->assertSame($r1, aipkit_usage_release($h2));
        $this->assertSame($r1, aipkit_usage_settle($h2, ['input_tokens' => 5]));
        $this->assertSame(['balance' => '9.000000', 'held' => '0.000000', 'available' => '9.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
        $this->assertReconciled();
    }

    public function testZeroUsageOrFailedReplyChargesNothing(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $s = aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 0, 'output_tokens' => 0]);
        $this->assertSame('0.000000', $s['credits']);
        $s = aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 900, 'output_tokens' => 20, 'failed' => true]);
        $this->assertSame('0.000000', $s['credits']);
        $this->assertNull($s['ledger_id']);
        $this->assertSame(['balance' => '10.000000', 'held' => '0.000000', 'available' => '10.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
        $this->assertCount(1, $this->ledgerRows($u));
    }

    public function testSettlingAboveTheEstimateRecordsTheUncoveredPart(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '1']);
        $this->quota(['user_limit' => '0']);
        $u = $this->createUser();
        $this->fund($u, '1.5');
        $hold = aipkit_usage_authorize($this->request($u, ['estimate' => ['input_tokens' => 1000]]));
        $this->assertSame('1.000000', $hold['hold_balance']);
        $s = aipkit_usage_settle($hold, ['input_tokens' => 2000]);
        $this->assertSame('2.000000', $s['credits']);
        $this->assertSame('1.500000', $s['balance_debit']);
        $this->assertSame('0.500000', $s['uncovered']);
        $row = $this->ledgerRows($u)[1];
        $this->assertSame('0.500000', $row['uncovered']);
        $this->assertSame('0.000000', aipkit_usage_balance($u)['balance']);
        $this->assertReconciled();
    }

    public function testRefusalIs429WithMessageAndActions(): void
    {
        update_option('aipkit_usage_settings', array_merge(get_option('aipkit_usage_settings', []) ?: [], ['buy_credits_url' => 'https://shop.example/credits', 'customer_dashboard_url' => 'https://shop.example/usage']));
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '5']);
        $this->quota(['user_limit' => '2']);
        $u = $this->createUser();
        $this->fund($u, '1');
        $r = aipkit_usage_authorize($this->request($u));
        $this->assertWPError($r, 'aipkit_quota_exceeded');
        $this->assertSame('You have reached your quota for this period.', $r->get_error_message());
        $d = $r->get_error_data();
        $this->assertSame(429, $d['status']);
        $this->assertSame('2.000000', $d['shortfall']);
        $this->assertSame('https://shop.example/credits', $d['actions']['buy_credits']['url']);
        $this->assertSame('https://shop.example/usage', $d['actions']['view_usage']['url']);
        $this->assertSame(['balance' => '1.000000', 'held' => '0.000000', 'available' => '1.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));

        $this->quota(['user_limit' => '2', 'message' => 'Chat allowance used up.']);
        $this->assertSame('Chat allowance used up.', aipkit_usage_authorize($this->request($u))->get_error_message());
    }

    public function testBalanceFirstThenQuotaAndQuotaFirst(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '4']);
        $this->quota(['user_limit' => '10']);
        $u = $this->createUser();
        $this->fund($u, '3');
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame(['3.000000', '1.000000'], [$h['hold_balance'], $h['hold_quota']]);
        aipkit_usage_release($h);
        update_option('aipkit_usage_settings', array_merge(get_option('aipkit_usage_settings', []) ?: [], ['consumption_order' => 'quota_first']));
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame(['0.000000', '4.000000'], [$h['hold_balance'], $h['hold_quota']]);
    }

    public function testUnknownOrForeignHoldsAreRefused(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $a = $this->createUser();
        $b = $this->createUser();
        $this->fund($a, '5');
        $this->assertWPError(aipkit_usage_settle(999999999, ['input_tokens' => 1]), 'aipkit_hold_not_found');
        $this->assertWPError(aipkit_usage_release('abc'), 'aipkit_hold_not_found');
        $hold = aipkit_usage_authorize($this->request($a));
        $forged = ['user_id' => $b] + $hold;
        $r = aipkit_usage_settle($forged, ['input_tokens' => 1]);
        $this->assertWPError($r, 'aipkit_hold_not_yours');
        $this->assertSame(['status' => 409, 'field' => 'hold'], $r->get_error_data());
        $this->assertWPError(aipkit_usage_release(['request_id' => 'someone-else'] + $hold), 'aipkit_hold_not_yours');
        $this->assertSame(['status' => 404, 'field' => 'hold'], aipkit_usage_settle(999999999, [])->get_error_data());
        $this->assertSame('1.000000', aipkit_usage_balance($a)['held']);
    }

    public function testBadRequestsNameTheField(): void
    {
        $u = $this->createUser();
        $cases = [
            'module' => ['module' => 'Bad Module!'],
            'user_id' => ['user_id' => '5'],
            'request_id' => ['request_id' => 'has spaces'],
            'estimate.input_tokens' => ['estimate' => ['input_tokens' => -1]],
        ];
        foreach ($cases as $field => $over) {
            $r = aipkit_usage_authorize($this->request($u, $over));
            $this->assertInstanceOf(\WP_Error::class, $r, $field);
            $this->assertSame($field, $r->get_error_data()['field'], $field);
        }
        $r = aipkit_usage_authorize($this->request($u, ['usage_type' => 'teleport']));
        $this->assertWPError($r, 'aipkit_unknown_usage_type');
        global $wpdb;
        $this->assertSame('0', $wpdb->get_var('SELECT COUNT(*) FROM ' . \AipkitUsage\Billing\Tables::holds()));
    }

    private function assertWPError($r, string $code): void
    {
        $this->assertInstanceOf(\WP_Error::class, $r);
        $this->assertSame($code, $r->get_error_code(), $r->get_error_message());
    }
}
