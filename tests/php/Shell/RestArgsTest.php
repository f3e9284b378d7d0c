<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Rest\Controller;
use AipkitUsage\Settings;
use AipkitUsage\Tests\TestCase;

/** Arguments of the wrong type, size or shape get 400 naming the field, and change nothing. */
final class RestArgsTest extends TestCase
{
    public static function samplePreview(): array
    {
        return [
            'rule' => ['usage_type' => 'chat', 'provider' => 'OpenAI ', 'model' => 'gpt-4o-mini', 'method' => 'per_1k_tokens',
                'input_rate' => '1', 'output_rate' => '2', 'unit_rate' => null],
            'usage' => ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o-mini', 'input_tokens' => 800, 'output_tokens' => 300],
        ];
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->actAs($this->createUser('administrator'));
    }

    private function assertBadField($response, string $field): void
    {
        $data = $response->get_data();
        $this->assertSame(400, $response->get_status(), wp_json_encode($data));
        $params = $data['data']['params'] ?? [];
        // rest_invalid_param: params = {field: message}; rest_missing_callback_param: params = [field].
        $named = isset($params[$field]) || in_array($field, $params, true) || ($data['data']['field'] ?? null) === $field;
        $this->assertTrue($named, "the error names {$field}: " . wp_json_encode($data));
    }

    public function testSettingsRoundTrip(): void
    {
        $this->assertSame(Settings::defaults(), $this->rest('GET', '/aipkit/v1/settings')->get_data());
        $res = $this->rest('POST', '/aipkit/v1/settings', [
            'consumption_order' => 'quota_first', 'hold_lifetime_minutes' => 30,
            'buy_credits_url' => 'https://shop.example.test/credits', 'delete_data_on_uninstall' => true,
        ]);
        $this->assertSame(200, $res->get_status(), wp_json_encode($res->get_data()));
        $this->assertSame('quota_first', Settings::consumption_order());
        $this->assertSame(30, Settings::hold_lifetime_minutes());
        $this->assertSame('https://shop.example.test/credits', Settings::buy_credits_url());
        $this->assertTrue(Settings::delete_data_on_uninstall());
        $this->assertSame('', Settings::customer_dashboard_url());
        $this->assertSame(Settings::all(), $this->rest('GET', '/aipkit/v1/settings')->get_data());
    }

    public function testBadSettingsAreRefusedWithTheFieldNamed(): void
    {
        $cases = [
            'hold_lifetime_minutes' => ['abc', 0, 1441, 1.5],
            'consumption_order' => ['cheapest', 3],
            'buy_credits_url' => [str_repeat('a', 2049), 'javascript:alert(1)', 'not a url', ['x']],
            'customer_dashboard_url' => ['ftp://example.test/x'],
            'delete_data_on_uninstall' => ['maybe', 2],
        ];
        foreach ($cases as $field => $values) {
            foreach ($values as $value) {
                // A valid change next to the bad one must not be applied either.
                $res = $this->rest('POST', '/aipkit/v1/settings', ['consumption_order' => 'quota_first', $field => $value]);
                $this->assertBadField($res, $field);
            }
        }
        $this->assertBadField($this->rest('POST', '/aipkit/v1/settings', ['hold_lifetime' => 5]), 'hold_lifetime');
        $this->assertSame(Settings::defaults(), Settings::all(), 'nothing was saved');
    }

    public function testPreviewPricesTheSeedExampleThroughFfi(): void
    {
        $res = $this->rest('POST', '/aipkit/v1/preview', self::samplePreview());
        $this->assertSame(200, $res->get_status(), wp_json_encode($res->get_data()));
        $data = $this->restData($res);
        $this->assertSame('1.400000', $data['quote']['credits']);
        $this->assertFalse($data['quote']['fallback']);
        $this->assertSame('openai', $data['rule']['provider'], 'the rule was normalised by the core');
        $this->assertSame(['Input', 'Output', 'Total'], array_column($data['quote']['breakdown'], 'label'));
        $this->assertSame('800 / 1000 × 1', $data['quote']['breakdown'][0]['calculation']);
    }

    public function testBadPreviewInputIsRefusedWithTheFieldNamed(): void
    {
        $bad = function (callable $change, string $field) {
            $body = self::samplePreview();
            $change($body);
            $this->assertBadField($this->rest('POST', '/aipkit/v1/preview', $body), $field);
        };
        $bad(function (&$b) { unset($b['rule']); }, 'rule');
        $bad(function (&$b) { $b['rule'] = 'chat'; }, 'rule');
        $bad(function (&$b) { $b['rule']['input_rate'] = '1.1234567'; }, 'rule');
        $bad(function (&$b) { $b['rule']['input_rate'] = 1; }, 'rule');
        $bad(function (&$b) { $b['rule']['method'] = 'per_token'; }, 'rule');
        $bad(function (&$b) { $b['rule']['provider'] = str_repeat('p', 65); }, 'rule');
        $bad(function (&$b) { $b['rule']['extra'] = 'x'; }, 'rule');
        // The route's vocabulary and limits are the core's published constants, so they cannot drift.
        $bad(function (&$b) { $b['usage']['usage_type'] = 'audio'; }, 'usage');
        $max = (int) \AipkitUsage\Billing\CoreConstants::get('model_max_chars', 0);
        $this->assertGreaterThan(0, $max, 'the core publishes the model limit');
        $bad(function (&$b) use ($max) { $b['rule']['model'] = str_repeat('m', $max + 1); }, 'rule');
        $bad(function (&$b) { $b['usage']['input_tokens'] = -1; }, 'usage');
        $bad(function (&$b) { $b['usage']['output_tokens'] = '300 tokens'; }, 'usage');
        $bad(function (&$b) { $b['usage']['input_tokens'] = 1000000000001; }, 'usage');
        // Well-formed but against the rules: the core's error comes back with its field.
        $bad(function (&$b) { $b['rule']['method'] = 'per_image'; $b['rule']['unit_rate'] = '1'; }, 'rule.method');
    }

    public function testCoreErrorsMapToStatusAndCode(): void
    {
        $res = $this->rest('POST', '/aipkit/v1/preview', array_replace_recursive(self::samplePreview(), ['rule' => ['method' => 'per_image', 'unit_rate' => '1']]));
        $this->assertSame('aipkit_method_not_allowed', $res->get_data()['code']);
        $stale = \AipkitUsage\Core\Gateway::instance()->adjust_balance(['current' => '5', 'expected' => '4', 'new' => '6']);
        $this->assertSame('aipkit_stale_balance', $stale->get_error_code());
        $this->assertSame(409, $stale->get_error_data()['status']);
    }

    public function testHealthReportsVersionsAndSchema(): void
    {
        $data = $this->rest('GET', '/aipkit/v1/health')->get_data();
        $this->assertSame(AIPKIT_USAGE_VERSION, $data['core_version']);
        $this->assertSame(\AipkitUsage\Core\Ffi::ABI_VERSION, $data['abi']);
        $this->assertSame($data['schema_expected'], $data['schema_version']);
        $this->assertTrue($data['core_available']);
    }

    public function testDecimalArgPattern(): void
    {
        $ok = ['0', '1', '1.4', '-1.5', '0.000001', '99999999999999.999999'];
        $no = ['', '1.', '.5', '1.1234567', '123456789012345', '1e3', '+1', ' 1', '1,5', '--1'];
        $signed = Controller::decimal_arg(true);
        foreach ($ok as $v) {
            $this->assertTrue(rest_validate_value_from_schema($v, $signed, 'amount'), $v);
        }
        foreach ($no as $v) {
            $this->assertWPErrorLike(rest_validate_value_from_schema($v, $signed, 'amount'), $v);
        }
        $this->assertWPErrorLike(rest_validate_value_from_schema('-1', Controller::decimal_arg(), 'amount'), 'unsigned -1');
    }

    private function assertWPErrorLike($value, string $label): void
    {
        $this->assertInstanceOf(\WP_Error::class, $value, $label);
    }
}
