<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Tests\TestCase;

/** The hot path passes the core only the rules that could match; the outcome must be what all rules give. */
final class CandidateRulesTest extends TestCase
{
    use BillingFixtures;

    public function testOnlySameTypeProviderAndExactOrWildcardModel(): void
    {
        $exact = $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '3']);
        $star = $this->rule(['usage_type' => 'chat', 'model' => '*', 'method' => 'flat', 'unit_rate' => '2']);
        $this->rule(['usage_type' => 'chat', 'model' => 'gpt-4o-mini', 'method' => 'flat', 'unit_rate' => '9']);
        $this->rule(['usage_type' => 'chat', 'provider' => 'claude', 'model' => 'gpt-4o', 'method' => 'flat', 'unit_rate' => '8']);
        $this->rule(['usage_type' => 'form_submit', 'method' => 'flat', 'unit_rate' => '7']);
        $this->rule(['usage_type' => 'chat', 'model' => 'gpt-4.1', 'method' => 'flat', 'unit_rate' => '6', 'enabled' => false]);

        $this->assertEqualsCanonicalizing([$exact['id'], $star['id']], array_column(PricingRules::candidates('chat', ' OpenAI ', 'gpt-4o'), 'id'));
        $this->assertSame([$star['id']], array_column(PricingRules::candidates('chat', 'openai', 'gpt-4.1'), 'id'), 'a disabled rule is no candidate');
        $this->assertSame([], PricingRules::candidates('image_generate', 'openai', 'gpt-4o'));

        $u = $this->createUser();
        $this->fund($u, '100');
        foreach (['gpt-4o' => ['3.000000', $exact['id']], 'gpt-4.1' => ['2.000000', $star['id']]] as $model => [$credits, $rule]) {
            $usage = ['usage_type' => 'chat', 'provider' => 'openai', 'model' => $model, 'input_tokens' => 10, 'output_tokens' => 5];
            $all = aipkit_usage_quote($usage);
            $this->assertSame($credits, $all['credits']);
            $hold = aipkit_usage_authorize($this->request($u, ['model' => $model]));
            $this->assertSame($credits, $hold['quote']['credits'], 'authorize (lean price) agrees with a quote over all rules');
            $this->assertSame($rule, $hold['quote']['rule_id']);
            $s = aipkit_usage_settle($hold, ['input_tokens' => 10, 'output_tokens' => 5]);
            $this->assertSame($credits, $s['credits']);
            $this->assertSame($rule, $s['rule_id']);
            $this->assertSame($all['breakdown'], $s['breakdown'], 'settle keeps the full breakdown');
        }
    }

    public function testMemoIsFlushedByRuleWrites(): void
    {
        $this->assertSame([], PricingRules::candidates('chat', 'openai', 'gpt-4o'));
        $r = $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->assertSame([$r['id']], array_column(PricingRules::candidates('chat', 'openai', 'gpt-4o'), 'id'));
        PricingRules::update($r['id'], ['enabled' => false], 1);
        $this->assertSame([], PricingRules::candidates('chat', 'openai', 'gpt-4o'));
    }
}
