<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Core\Gateway;
use AipkitUsage\Tests\TestCase;

/**
 * Metering prices through the core's compact text path; it must answer exactly what the JSON `price`
 * op answers for the same stored rules, errors included (code and field).
 */
final class GatewayPriceTest extends TestCase
{
    use BillingFixtures;

    public function testTextPathEqualsJsonPriceForStoredRules(): void
    {
        $rules = [
            $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']),
            $this->rule(['usage_type' => 'chat', 'model' => '*', 'method' => 'flat', 'unit_rate' => '5']),
            $this->rule(['usage_type' => 'image_generate', 'model' => 'dall-e-3', 'method' => 'per_image', 'unit_rate' => '0.000001']),
        ];
        $usages = [
            ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'input_tokens' => 800, 'output_tokens' => 300],
            ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'other', 'input_tokens' => 1, 'output_tokens' => 0],
            ['usage_type' => 'image_generate', 'provider' => 'openai', 'model' => 'dall-e-3', 'images' => 3],
            ['usage_type' => 'video_generate', 'provider' => 'openai', 'model' => 'sora', 'videos' => 2],
        ];
        $gw = Gateway::instance();
        foreach ($usages as $usage) {
            $json = $gw->call('price', ['rules' => $rules, 'usage' => $usage + ['input_tokens' => 0, 'output_tokens' => 0, 'images' => 0, 'videos' => 0]]);
            $text = $gw->price($rules, $usage);
            $this->assertIsArray($text, $usage['model']);
            $this->assertSame($json, $text, $usage['model']);
        }
        $this->assertSame('1.400000', $gw->price($rules, $usages[0])['credits'], "the seed's worked example");
        $this->assertTrue($gw->price($rules, $usages[3])['fallback'], 'no rule: raw units');
    }

    public function testTextPathErrorsCarryTheCoresCodeAndField(): void
    {
        $gw = Gateway::instance();
        $usage = ['usage_type' => 'teleport', 'provider' => 'openai', 'model' => 'gpt-4o', 'input_tokens' => 1];
        $json = $gw->call('price', ['rules' => [], 'usage' => $usage + ['output_tokens' => 0, 'images' => 0, 'videos' => 0]]);
        $text = $gw->price([], $usage);
        $this->assertInstanceOf(\WP_Error::class, $json);
        $this->assertInstanceOf(\WP_Error::class, $text);
        $this->assertSame($json->get_error_code(), $text->get_error_code());
        $this->assertSame('aipkit_unknown_usage_type', $text->get_error_code());
        $this->assertSame(400, $text->get_error_data()['status']);

        $tab = $gw->price([], ['usage_type' => 'chat', 'provider' => "open\tai", 'model' => 'm']);
        $this->assertInstanceOf(\WP_Error::class, $tab, 'a separator inside a value is refused, never shifted into another field');
        $this->assertSame('aipkit_malformed_input', $tab->get_error_code());
    }
}
