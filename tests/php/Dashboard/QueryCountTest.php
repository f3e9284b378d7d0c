<?php
namespace AipkitUsage\Tests\Dashboard;

use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Dashboard\Shortcode;
use AipkitUsage\Tests\TestCase;

/**
 * The render for a customer with 10,000 ledger rows and 20 quota scopes runs the same small, fixed
 * number of queries as for a customer with one row: nothing grows with the ledger or the scopes.
 */
final class QueryCountTest extends TestCase
{
    public const MAX_QUERIES = 6;

    /** Bulk ledger rows for one user: purchases every 50th row, the rest usage across modules and bots. */
    public static function seedLedger(int $uid, int $rows, string $tag): void
    {
        global $wpdb;
        $t = Tables::ledger();
        $bots = ['', 'b1', 'b2', 'b3', 'b4', 'b5'];
        $modules = ['chatbot', 'ai_forms', 'image_generator'];
        for ($start = 0; $start < $rows; $start += 1000) {
            $values = [];
            for ($i = $start; $i < min($rows, $start + 1000); $i++) {
                $at = gmdate('Y-m-d H:i:s', time() - ($rows - $i) * 60);
                if (0 === $i % 50) {
                    $values[] = $wpdb->prepare("(%s, 'purchase', %d, %s, '10.000000', '0.000000', '', '', %d, %s)", $at, $uid, "user:$uid", 5000 + $i, "purchase:$tag:$i");
                } else {
                    $values[] = $wpdb->prepare("(%s, 'usage', %d, %s, '-0.500000', '0.500000', %s, %s, NULL, %s)", $at, $uid, "user:$uid", $modules[$i % 3], $bots[$i % 6], "usage:$tag-$i");
                }
            }
            $wpdb->query("INSERT INTO $t (created_at, kind, user_id, subject, amount, quota_amount, module, bot_id, order_id, idempotency_key) VALUES " . implode(',', $values));
        }
        $wpdb->query($wpdb->prepare("INSERT INTO " . Tables::balances() . " (user_id, balance, held, updated_at) VALUES (%d, '100.000000', '1.000000', UTC_TIMESTAMP())", $uid));
    }

    /** 20 scopes: a rule per module plus bots with their own rules, and a counter for each. */
    public static function seedScopes(int $uid): void
    {
        $i = 0;
        foreach (['chatbot' => 9, 'ai_forms' => 5, 'image_generator' => 3] as $module => $bots) {
            QuotaRules::save(['module' => $module, 'user_limit' => '100', 'period' => ['daily', 'weekly', 'monthly'][$i++ % 3]]);
            for ($b = 1; $b <= $bots; $b++) {
                QuotaRules::save(['module' => $module, 'bot_id' => "b$b", 'user_limit' => (string) (10 * $b), 'period' => ['daily', 'weekly', 'monthly', 'never'][$b % 4]]);
            }
        }
        $scopes = \AipkitUsage\Dashboard\Data::quotas($uid, ['chatbot', 'ai_forms', 'image_generator']);
        \AipkitUsage\Billing\Transaction::run(static function () use ($scopes, $uid) {
            foreach ($scopes as $q) {
                \AipkitUsage\Billing\Quotas::lock(["user:$uid"], $q['scope'], $q['period_key']);
            }
            return true;
        });
    }

    private function queriesFor(int $uid): array
    {
        global $wpdb;
        $this->actAs($uid);
        get_userdata($uid); // the current user is loaded by WordPress before any page renders
        Shortcode::render([]); // warm the per-request caches (options, bot and module lists)
        wp_cache_delete('credit_product', 'aipkit_usage_dashboard');
        $wpdb->queries = [];
        $before = $wpdb->num_queries;
        $html = Shortcode::render([]);
        return [$wpdb->num_queries - $before, $html];
    }

    public function testFixedSmallNumberOfQueries(): void
    {
        $big = $this->createUser('subscriber');
        $small = $this->createUser('subscriber');
        self::seedLedger($big, 10000, 'big');
        self::seedLedger($small, 2, 'small');
        self::seedScopes($big);
        $this->assertSame('10000', (string) $GLOBALS['wpdb']->get_var('SELECT COUNT(*) FROM ' . Tables::ledger() . ' WHERE user_id = ' . $big));
        $this->assertCount(20, QuotaRules::all());

        [$nBig, $html] = $this->queriesFor($big);
        [$nSmall] = $this->queriesFor($small);
        $this->assertSame(20, substr_count($html, 'class="aipkit-dashboard__quota"'), 'all 20 scopes are shown');
        $this->assertSame(10, substr_count($html, 'class="aipkit-dashboard__charge"'));
        $this->assertSame(10, substr_count($html, 'class="aipkit-dashboard__purchase"'));
        $this->assertSame($nSmall, $nBig, 'the number of queries does not grow with the ledger');
        $this->assertLessThanOrEqual(self::MAX_QUERIES, $nBig);
    }
}
