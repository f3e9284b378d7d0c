<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\ScopeLabels;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 9 §3: screens show names and dates, never raw scope or period keys ("chatbot:demo-sales",
 * "W2026-11-30").
 */
final class ScopeLabelsTest extends TestCase
{
    use BillingFixtures;

    public function testScopesReadAsModuleAndBotNames(): void
    {
        $bots = static fn() => [['module' => 'chatbot', 'bot_id' => 'sales-7', 'name' => 'Sales assistant']];
        add_filter('aipkit_usage_bots', $bots);
        try {
            $this->assertSame('Chatbot', ScopeLabels::scope('chatbot'));
            $this->assertSame('Chatbot · Sales assistant', ScopeLabels::scope('chatbot:sales-7'));
            // A bot nobody registered keeps its id, after the module's name.
            $this->assertSame('AI Forms · form-9', ScopeLabels::scope('ai_forms:form-9'));
            $this->assertSame('custom_module', ScopeLabels::scope('custom_module'));
        } finally {
            remove_filter('aipkit_usage_bots', $bots);
        }
    }

    public function testPeriodKeysReadAsDatesInTheSiteFormat(): void
    {
        update_option('date_format', 'F j, Y');
        $this->assertSame('Week of November 30, 2026', ScopeLabels::period('W2026-11-30'));
        $this->assertSame('November 30, 2026', ScopeLabels::period('2026-11-30'));
        $this->assertSame('November 2026', ScopeLabels::period('2026-11'));
        $this->assertSame('All time (no reset)', ScopeLabels::period('all'));
    }

    public function testBalanceDetailsCarryTheLabelsBesideTheKeys(): void
    {
        $this->actAs($this->createUser('administrator'));
        $u = $this->createUser();
        $this->fund($u, '5');
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['user_limit' => '3', 'period' => 'monthly']);
        $this->assertIsArray(aipkit_usage_authorize($this->request($u)));
        $r = $this->rest('GET', '/aipkit/v1/balances/' . $u, [], $this->restNonce());
        $this->assertSame(200, $r->get_status());
        $usage = $r->get_data()['usage'];
        $this->assertNotEmpty($usage);
        $this->assertSame('chatbot', $usage[0]['scope']);
        $this->assertSame('Chatbot', $usage[0]['scope_label']);
        $this->assertMatchesRegularExpression('/^[A-Z][a-z]+ \d{4}$/', $usage[0]['period_label'], 'a month in words, not "2026-11"');
    }
}
