<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\PricingRules;
use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Billing\Tables;

/** Helpers shared by the billing tests: rules, balances and requests through the real services. */
trait BillingFixtures
{
    private static int $requestSeq = 0;

    protected function rule(array $fields): array
    {
        $r = PricingRules::create($fields + ['provider' => 'openai', 'model' => 'gpt-4o'], 1);
        $this->assertIsArray($r, is_wp_error($r) ? $r->get_error_message() : '');
        return $r;
    }

    protected function quota(array $fields): array
    {
        $r = QuotaRules::save($fields + ['module' => 'chatbot', 'period' => 'never']);
        $this->assertIsArray($r, is_wp_error($r) ? $r->get_error_message() : '');
        return $r;
    }

    /** Gives a user a balance through the ledger (an admin adjustment), as the product does. */
    protected function fund(int $userId, string $amount): void
    {
        $cur = aipkit_usage_balance($userId)['balance'];
        $r = aipkit_usage_adjust_balance($userId, $cur, $amount, 'test funding');
        $this->assertIsArray($r, is_wp_error($r) ? $r->get_error_message() : '');
    }

    protected function request(int $userId, array $over = []): array
    {
        return $over + [
            'module' => 'chatbot',
            'bot_id' => '',
            'usage_type' => 'chat',
            'provider' => 'openai',
            'model' => 'gpt-4o',
            'user_id' => $userId,
            'estimate' => ['input_tokens' => 800, 'output_tokens' => 300],
            'request_id' => 'req-' . getmypid() . '-' . (++self::$requestSeq) . '-' . bin2hex(random_bytes(3)),
        ];
    }

    protected function ledgerRows(int $userId): array
    {
        global $wpdb;
        return $wpdb->get_results($wpdb->prepare('SELECT * FROM ' . Tables::ledger() . ' WHERE user_id = %d ORDER BY id', $userId), ARRAY_A);
    }

    protected function assertReconciled(): void
    {
        $r = \AipkitUsage\Billing\Reconciler::run();
        $this->assertIsArray($r);
        $this->assertTrue($r['ok'], 'reconcile: ' . wp_json_encode($r));
    }
}
