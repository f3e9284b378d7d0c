<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Tests\TestCase;

/**
 * Issue 9 §3 (billing): errors reach the screens as sentences naming the field as the screen labels
 * it; code and field stay for the screens' field highlighting, the technical text moves to data.detail.
 */
final class ErrorMessagesTest extends TestCase
{
    use BillingFixtures;

    public function testBalanceAndRuleErrorsNameTheFieldAsTheScreenDoes(): void
    {
        $this->actAs($this->createUser('administrator'));
        $u = $this->createUser();
        $r = $this->rest('POST', '/aipkit/v1/balances/' . $u, ['expected_balance' => '0', 'new_balance' => '-5'], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('aipkit_negative_amount', $r->get_data()['code']);
        $this->assertSame('Credit balance cannot be negative.', $r->get_data()['message']);
        $this->assertSame('new_balance', $r->get_data()['data']['field']);

        $r = $this->rest('POST', '/aipkit/v1/pricing-rules', ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'per_1k_tokens', 'input_rate' => 'abc', 'output_rate' => '1'], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('aipkit_invalid_rate', $r->get_data()['code']);
        $this->assertSame('input_rate', $r->get_data()['data']['field']);
        $this->assertSame('Input rate must be a number of credits with at most 6 decimal places, for example 0.5.', $r->get_data()['message']);
        $this->assertNotSame('', $r->get_data()['data']['detail']);

        $r = $this->rest('POST', '/aipkit/v1/pricing-rules', ['usage_type' => 'chat', 'provider' => 'openai', 'model' => str_repeat('m', 129), 'method' => 'flat', 'unit_rate' => '1'], $this->restNonce());
        $this->assertSame('aipkit_invalid_model', $r->get_data()['code']);
        $this->assertStringContainsString('128 characters', $r->get_data()['message']);

        $r = $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'chatbot', 'user_limit' => '1e3'], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('User limit must be a number with at most 6 decimal places, for example 1.5.', $r->get_data()['message']);
        $r = $this->rest('POST', '/aipkit/v1/quotas', ['module' => 'chatbot', 'role_limits' => ['editor' => '-1']], $this->restNonce());
        $this->assertSame('Limit for editor cannot be negative.', $r->get_data()['message']);
    }

    public function testNoRawCodesInMessages(): void
    {
        $this->actAs($this->createUser('administrator'));
        $u = $this->createUser();
        foreach ([['expected_balance' => 'x', 'new_balance' => '1'], ['expected_balance' => '0', 'new_balance' => '100000000000000']] as $body) {
            $msg = $this->rest('POST', '/aipkit/v1/balances/' . $u, $body, $this->restNonce())->get_data()['message'];
            $this->assertDoesNotMatchRegularExpression('/\b[a-z]+_[a-z_]+\b/', $msg, 'no snake_case field or code names: ' . $msg);
        }
    }
}
