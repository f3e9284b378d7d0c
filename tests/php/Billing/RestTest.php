<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Tables;
use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Tests\TestCase;

/** The billing REST routes: capability checks, specific errors naming the field, nothing changed on error. */
final class RestTest extends TestCase
{
    use BillingFixtures;

    private int $admin;

    protected function setUp(): void
    {
        parent::setUp();
        $this->admin = $this->actAs($this->createUser('administrator'));
    }

    private function rows(string $table): int
    {
        global $wpdb;
        return (int) $wpdb->get_var("SELECT COUNT(*) FROM $table");
    }

    public function testPricingRuleCrud(): void
    {
        $r = $this->rest('POST', '/aipkit/v1/pricing-rules', ['usage_type' => 'chat', 'provider' => ' OpenAI ', 'model' => 'gpt-4o', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2.5'], $this->restNonce());
        $this->assertSame(201, $r->get_status(), wp_json_encode($r->get_data()));
        $rule = $this->restData($r);
        $this->assertSame('openai', $rule['provider']);
        $this->assertSame('2.500000', $rule['output_rate']);
        $this->assertNull($rule['unit_rate']);

        $r = $this->rest('PUT', '/aipkit/v1/pricing-rules/' . $rule['id'], ['enabled' => false]);
        $this->assertFalse($this->restData($r)['enabled']);
        $r = $this->rest('POST', '/aipkit/v1/pricing-rules', ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'flat', 'unit_rate' => '1']);
        $this->assertSame(201, $r->get_status(), 'a disabled rule does not block a new enabled one');
        $r = $this->rest('PUT', '/aipkit/v1/pricing-rules/' . $rule['id'], ['enabled' => true]);
        $this->assertSame(409, $r->get_status());
        $this->assertSame('aipkit_duplicate_rule', $this->restData($r)['code']);

        $live = $this->rule(['usage_type' => 'image_generate', 'model' => 'dall-e-3', 'method' => 'per_image', 'unit_rate' => '2']);
        foreach (['maybe', '', [], 2] as $bad) {
            $r = $this->rest('PUT', '/aipkit/v1/pricing-rules/' . $live['id'], ['enabled' => $bad]);
            $this->assertSame(400, $r->get_status(), 'enabled=' . wp_json_encode($bad) . ' is refused, not read as false');
            $this->assertSame('enabled', $this->restData($r)['data']['field'] ?? null);
            $this->assertTrue((bool) PricingRules::get($live['id'])['enabled'], 'and the rule stays enabled');
        }

        $this->assertSame(200, $this->rest('DELETE', '/aipkit/v1/pricing-rules/' . $rule['id'])->get_status());
        $this->assertSame(404, $this->rest('DELETE', '/aipkit/v1/pricing-rules/' . $rule['id'])->get_status());
        $r = $this->rest('PUT', '/aipkit/v1/pricing-rules/999999', ['enabled' => true]);
        $this->assertSame(404, $r->get_status());
        $this->assertSame('id', $this->restData($r)['data']['field'] ?? null);
    }

    /** @dataProvider badRules */
    public function testBadRulesAreRefusedWithTheField(array $body, int $status, string $code, string $field): void
    {
        $before = $this->rows(Tables::pricing_rules());
        $r = $this->rest('POST', '/aipkit/v1/pricing-rules', $body + ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o']);
        $d = $this->restData($r);
        $this->assertSame($status, $r->get_status(), wp_json_encode($d));
        $this->assertSame($code, $d['code']);
        $this->assertSame($field, $d['data']['field']);
        $this->assertSame($before, $this->rows(Tables::pricing_rules()));
    }

    public static function badRules(): array
    {
        return [
            'non-numeric rate' => [['method' => 'flat', 'unit_rate' => 'abc'], 400, 'aipkit_invalid_rate', 'unit_rate'],
            'negative rate' => [['method' => 'flat', 'unit_rate' => '-1'], 400, 'aipkit_invalid_rate', 'unit_rate'],
            'oversized rate' => [['method' => 'flat', 'unit_rate' => '1000000000000000'], 400, 'aipkit_amount_overflow', 'unit_rate'],
            'float rate' => [['method' => 'flat', 'unit_rate' => 1.5], 400, 'aipkit_invalid_rate', 'unit_rate'],
            'missing rate' => [['method' => 'per_1k_tokens', 'input_rate' => '1'], 400, 'aipkit_missing_rate', 'output_rate'],
            'unknown method' => [['method' => 'per_word', 'unit_rate' => '1'], 400, 'aipkit_unknown_method', 'method'],
            'method not allowed' => [['method' => 'per_image', 'unit_rate' => '1'], 400, 'aipkit_method_not_allowed', 'method'],
            'unknown usage type' => [['usage_type' => 'teleport', 'method' => 'flat', 'unit_rate' => '1'], 400, 'aipkit_unknown_usage_type', 'usage_type'],
            'bad provider' => [['provider' => '', 'method' => 'flat', 'unit_rate' => '1'], 400, 'aipkit_invalid_provider', 'provider'],
        ];
    }

    public function testDuplicateEnabledRuleIs409(): void
    {
        $body = ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'flat', 'unit_rate' => '1'];
        $this->rest('POST', '/aipkit/v1/pricing-rules', $body);
        $r = $this->rest('POST', '/aipkit/v1/pricing-rules', ['provider' => 'OPENAI'] + $body);
        $this->assertSame(409, $r->get_status());
        $this->assertStringContainsString('already exists', $this->restData($r)['message']);
        $this->assertSame(1, $this->rows(Tables::pricing_rules()));
    }

    public function testModelCatalogMergesBuiltInSeenAndRegistered(): void
    {
        add_filter('aipkit_usage_models', fn($m) => array_merge($m, [['provider' => 'OpenAI', 'model' => 'my-synced-model']]));
        $d = $this->restData($this->rest('GET', '/aipkit/v1/models'));
        $providers = array_column($d['providers'], null, 'provider');
        foreach (['openai', 'google', 'claude', 'openrouter', 'deepseek', 'xai', 'azure', 'ollama', 'replicate'] as $p) {
            $this->assertArrayHasKey($p, $providers);
        }
        $this->assertContains('my-synced-model', array_column($providers['openai']['models'], 'model'));
    }

    public function testBalanceEditStaleAndBadInput(): void
    {
        $u = $this->createUser();
        $r = $this->rest('POST', "/aipkit/v1/balances/$u", ['expected_balance' => '0', 'new_balance' => '12.5', 'reason' => 'gift'], $this->restNonce());
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $this->assertSame('12.500000', $this->restData($r)['balance']);

        $r = $this->rest('POST', "/aipkit/v1/balances/$u", ['expected_balance' => '0', 'new_balance' => '99']);
        $this->assertSame(409, $r->get_status());
        $d = $this->restData($r);
        $this->assertSame('aipkit_stale_balance', $d['code']);
        $this->assertSame('expected_balance', $d['data']['field']);
        $this->assertStringContainsString('changed while you were editing', $d['message']);

        foreach ([['abc', 'new_balance', 'aipkit_invalid_amount'], ['-5', 'new_balance', 'aipkit_negative_amount'], ['123456789012345678', 'new_balance', 'aipkit_amount_overflow'], ['1.1234567', 'new_balance', 'aipkit_invalid_amount']] as [$val, $field, $code]) {
            $r = $this->rest('POST', "/aipkit/v1/balances/$u", ['expected_balance' => '12.5', 'new_balance' => $val]);
            $this->assertSame(400, $r->get_status(), $val);
            $this->assertSame($code, $this->restData($r)['code'], $val);
            $this->assertSame($field, $this->restData($r)['data']['field']);
        }
        $this->assertSame(404, $this->rest('POST', '/aipkit/v1/balances/999999', ['expected_balance' => '0', 'new_balance' => '1'])->get_status());
        $this->assertSame('12.500000', aipkit_usage_balance($u)['balance']);
        $this->assertCount(1, $this->ledgerRows($u));
        $this->assertSame('gift', $this->ledgerRows($u)[0]['note']);
    }

    public function testBalancesListDetailsResetHistory(): void
    {
        $u = $this->createUser('subscriber', ['display_name' => 'Zed Searchable', 'user_login' => 'zed_' . getmypid()]);
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['user_limit' => '5', 'period' => 'daily']);
        $this->fund($u, '0.5');
        aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 1]);

        $d = $this->restData($this->rest('GET', '/aipkit/v1/balances', ['search' => 'Searchable']));
        $this->assertCount(1, $d['items']);
        $this->assertSame('0.000000', $d['items'][0]['balance']);
        $this->assertSame('0.500000', $d['items'][0]['usage'][0]['used']);

        $d = $this->restData($this->rest('GET', "/aipkit/v1/balances/$u"));
        $this->assertSame('chatbot', $d['usage'][0]['scope']);
        $this->assertSame('5.000000', $d['usage'][0]['limit']);

        $r = $this->rest('POST', "/aipkit/v1/balances/$u/reset", ['scope' => 'chatbot'], $this->restNonce());
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $this->assertSame('0.000000', $this->restData($this->rest('GET', "/aipkit/v1/balances/$u"))['usage'][0]['used']);

        $h = $this->restData($this->rest('GET', "/aipkit/v1/balances/$u/history"));
        $this->assertSame(['usage_reset', 'usage', 'admin_adjustment'], array_column($h['items'], 'kind'));
    }

    public function testActivityCardsSeriesListAndCsv(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '2']);
        $this->quota(['user_limit' => '10']);
        $a = $this->createUser();
        $b = $this->createUser();
        $this->fund($a, '10');
        aipkit_usage_settle(aipkit_usage_authorize($this->request($a)), ['input_tokens' => 1]);
        aipkit_usage_settle(aipkit_usage_authorize($this->request($b)), ['input_tokens' => 1]);
        aipkit_usage_adjust_balance($a, '8', '5', 'correction');

        $d = $this->restData($this->rest('GET', '/aipkit/v1/activity', ['range' => '7']));
        $this->assertSame('10.000000', $d['cards']['credits_added'], 'negative adjustments are not credits added');
        $this->assertSame('2.000000', $d['cards']['balance_debited']);
        $this->assertSame('2.000000', $d['cards']['quota_only_usage']);
        $this->assertSame('3.000000', $d['cards']['credits_removed'], 'the 8 → 5 correction');
        $this->assertSame(4, $d['cards']['ledger_entries']);
        // Every local day of the range (7 days back to now), zeros included.
        $this->assertGreaterThanOrEqual(8, count($d['series']));
        $this->assertSame(4, array_sum(array_column($d['series'], 'entries')));
        $this->assertCount(4, $d['entries']['items']);

        $d = $this->restData($this->rest('GET', '/aipkit/v1/activity', ['range' => '7', 'kind' => 'usage', 'user_id' => $b]));
        $this->assertCount(1, $d['entries']['items']);

        $r = $this->rest('GET', '/aipkit/v1/activity', ['range' => 'custom', 'from' => '2026-02-30', 'to' => '2026-03-01']);
        $this->assertSame(400, $r->get_status());
        $this->assertSame('from', $this->restData($r)['data']['field']);

        $r = $this->rest('GET', '/aipkit/v1/activity/export', ['range' => '7']);
        $export = $r->get_data();
        $this->assertInstanceOf(\AipkitUsage\Billing\ActivityExport::class, $export, 'streamed, not built in memory');
        $csv = '';
        $this->assertTrue($export->stream(static function (string $s) use (&$csv) {
            $csv .= $s;
        }));
        $this->assertStringStartsWith('id,date,kind', $csv);
        $this->assertSame(5, substr_count($csv, "\r\n"));
        $this->assertStringContainsString(',-2.000000,', $csv, 'negative amounts stay numbers');
    }

    public function testQuotaRulesRest(): void
    {
        $r = $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'chatbot', 'bot_id' => 'b1', 'guest_limit' => '', 'user_limit' => '10', 'role_limits' => ['editor' => '50', 'vip' => null], 'period' => 'weekly', 'message' => 'Out of chat credits.']);
        $this->assertSame(201, $r->get_status(), wp_json_encode($r->get_data()));
        $rule = $this->restData($r);
        $this->assertNull($rule['guest_limit']);
        $this->assertSame(['editor' => '50.000000', 'vip' => null], $rule['role_limits']);
        foreach ([['period' => 'hourly'], ['user_limit' => 'ten'], ['user_limit' => '-1'], ['role_limits' => ['Bad Role' => '1']], ['module' => '']] as $bad) {
            $r = $this->rest('POST', '/aipkit/v1/quotas', $bad + ['module' => 'chatbot']);
            $this->assertSame(400, $r->get_status(), wp_json_encode($bad));
            $this->assertNotEmpty($this->restData($r)['data']['field']);
        }
        $this->assertCount(1, $this->restData($this->rest('GET', '/aipkit/v1/quotas'))['rules']);
        $this->assertSame(200, $this->rest('DELETE', '/aipkit/v1/quotas/' . $rule['id'])->get_status());
    }

    public function testCapabilitiesAreChecked(): void
    {
        $this->actAs($this->createUser('subscriber'));
        $valid = ['expected_balance' => '0', 'new_balance' => '1', 'scope' => 'all', 'module' => 'chatbot'];
        foreach ([['GET', '/aipkit/v1/pricing-rules'], ['POST', '/aipkit/v1/pricing-rules'], ['GET', '/aipkit/v1/models'], ['GET', '/aipkit/v1/balances'], ['POST', "/aipkit/v1/balances/{$this->admin}"], ['POST', "/aipkit/v1/balances/{$this->admin}/reset"], ['GET', '/aipkit/v1/activity'], ['GET', '/aipkit/v1/activity/export'], ['GET', '/aipkit/v1/reconcile'], ['POST', '/aipkit/v1/quotas']] as [$m, $route]) {
            $this->assertSame(403, $this->rest($m, $route, $m === 'GET' ? [] : $valid)->get_status(), "$m $route");
        }
        $this->assertSame('0.000000', aipkit_usage_balance($this->admin)['balance']);
        $this->actAs($this->admin);
        $this->assertSame(403, $this->rest('POST', '/aipkit/v1/balances/1', ['expected_balance' => '0', 'new_balance' => '1'], 'bad-nonce')->get_status());
    }

    public function testReconcileReportsATamperedBalance(): void
    {
        $u = $this->createUser();
        $this->fund($u, '5');
        $d = $this->restData($this->rest('GET', '/aipkit/v1/reconcile'));
        $this->assertTrue($d['ok']);
        global $wpdb;
        $wpdb->query($wpdb->prepare('UPDATE ' . Tables::balances() . ' SET balance = 7 WHERE user_id = %d', $u));
        $d = $this->restData($this->rest('GET', '/aipkit/v1/reconcile'));
        $this->assertFalse($d['ok']);
        $this->assertSame($u, $d['mismatches'][0]['user_id']);
        $this->assertSame('2.000000', $d['mismatches'][0]['difference']);
    }
}
