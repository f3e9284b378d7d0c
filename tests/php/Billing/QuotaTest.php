<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Quotas;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

final class QuotaTest extends TestCase
{
    use BillingFixtures;

    private $tz;

    protected function setUp(): void
    {
        parent::setUp();
        $this->tz = get_option('timezone_string');
        update_option('timezone_string', 'Europe/Berlin');
        update_option('start_of_week', 1);
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
    }

    protected function tearDown(): void
    {
        update_option('timezone_string', $this->tz);
        parent::tearDown();
    }

    private function local(string $local): int
    {
        return (new \DateTimeImmutable($local, new \DateTimeZone('Europe/Berlin')))->getTimestamp();
    }

    private function key(string $period, string $local): string
    {
        $this->quota(['period' => $period, 'user_limit' => '5']);
        return Quotas::context('chatbot', '', 1, $this->local($local))['period_key'];
    }

    public function testDailyBoundaryIsLocalMidnight(): void
    {
        $this->assertSame('2026-11-25', $this->key('daily', '2026-11-25 23:59:59'));
        $this->assertSame('2026-11-26', $this->key('daily', '2026-11-26 00:00:00'));
        // 23:30 UTC on the 25th is already the 26th in Berlin.
        $this->quota(['period' => 'daily', 'user_limit' => '5']);
        $this->assertSame('2026-11-26', Quotas::context('chatbot', '', 1, gmmktime(23, 30, 0, 11, 25, 2026))['period_key']);
    }

    public function testWeeklyAndMonthlyBoundaries(): void
    {
        $this->assertSame('W2026-11-23', $this->key('weekly', '2026-11-29 23:59:59'));
        $this->assertSame('W2026-11-30', $this->key('weekly', '2026-11-30 00:00:00'));
        update_option('start_of_week', 0);
        $this->assertSame('W2026-11-29', $this->key('weekly', '2026-11-29 00:00:00'));
        $this->assertSame('2026-11', $this->key('monthly', '2026-11-30 23:59:59'));
        $this->assertSame('2026-12', $this->key('monthly', '2026-12-01 00:00:00'));
        $this->assertSame('all', $this->key('never', '2026-12-01 00:00:00'));
    }

    public function testDaylightSavingChange(): void
    {
        // Berlin springs forward on 2026-03-29 at 02:00 → 03:00 and falls back on 2026-10-25.
        $this->assertSame('2026-03-29', $this->key('daily', '2026-03-29 00:00:00'));
        $this->assertSame('2026-03-29', $this->key('daily', '2026-03-29 23:59:59'));
        $this->assertSame('2026-03-30', $this->key('daily', '2026-03-30 00:00:00'));
        $this->assertSame('2026-10-25', $this->key('daily', '2026-10-25 23:30:00'));
        $this->assertSame('2026-10-26', $this->key('daily', '2026-10-26 00:00:00'));
    }

    public function testNewPeriodStartsWithoutCron(): void
    {
        $this->quota(['period' => 'daily', 'user_limit' => '2']);
        $u = $this->createUser();
        $now = $this->local('2026-11-25 23:00:00');
        add_filter('aipkit_usage_now', function () use (&$now) { return $now; });
        aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 1]);
        aipkit_usage_settle(aipkit_usage_authorize($this->request($u)), ['input_tokens' => 1]);
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request($u)));
        $now = $this->local('2026-11-26 00:00:01');
        $this->assertIsArray(aipkit_usage_authorize($this->request($u)));
    }

    public function testRoleOverridesLargestWinsAndUnlimitedWins(): void
    {
        $this->quota(['user_limit' => '1', 'role_limits' => ['editor' => '3', 'author' => '2', 'vip' => null]]);
        $sub = $this->createUser('subscriber');
        $ed = $this->createUser(['author', 'editor']);
        $vip = $this->createUser(['subscriber', 'vip']);
        add_role('vip', 'VIP');
        $this->assertSame('1.000000', Quotas::context('chatbot', '', $sub)['limit']);
        $this->assertSame('3.000000', Quotas::context('chatbot', '', $ed)['limit']);
        $this->assertNull(Quotas::context('chatbot', '', $vip)['limit']);
        $ok = 0;
        for ($i = 0; $i < 5; $i++) {
            $h = aipkit_usage_authorize($this->request($ed));
            if (is_array($h)) {
                $ok++;
                aipkit_usage_settle($h, ['input_tokens' => 1]);
            }
        }
        $this->assertSame(3, $ok);
    }

    public function testZeroDisablesEmptyIsUnlimitedAndNoRuleIsUnlimited(): void
    {
        $u = $this->createUser();
        $this->assertIsArray(aipkit_usage_authorize($this->request($u, ['module' => 'ai_forms'])), 'no rule: unlimited');
        $this->quota(['user_limit' => '0']);
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request($u)));
        $this->quota(['user_limit' => '']);
        for ($i = 0; $i < 20; $i++) {
            $this->assertIsArray(aipkit_usage_authorize($this->request($u)));
        }
    }

    public function testBotRuleOverridesModuleRule(): void
    {
        $this->quota(['user_limit' => '0']);
        $this->quota(['bot_id' => 'sales', 'user_limit' => '10']);
        $u = $this->createUser();
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request($u, ['bot_id' => 'support'])));
        $h = aipkit_usage_authorize($this->request($u, ['bot_id' => 'sales']));
        $this->assertIsArray($h);
        global $wpdb;
        $this->assertSame('chatbot:sales', $wpdb->get_var($wpdb->prepare('SELECT scope FROM ' . Tables::counters() . ' WHERE id = %d', json_decode($wpdb->get_var('SELECT counters FROM ' . Tables::holds() . ' WHERE id = ' . (int) $h['hold_id']), true)[0])));
    }

    public function testGuestWithAndWithoutCookie(): void
    {
        $this->quota(['guest_limit' => '2']);
        $_SERVER['REMOTE_ADDR'] = '203.0.113.7';
        unset($_COOKIE['aipkit_guest']);
        aipkit_usage_settle(aipkit_usage_authorize($this->request(0)), ['input_tokens' => 1]);
        $cookie = $_COOKIE['aipkit_guest'];
        $this->assertMatchesRegularExpression('/^[a-f0-9]{24}\.[a-f0-9]{64}$/', $cookie);
        aipkit_usage_settle(aipkit_usage_authorize($this->request(0)), ['input_tokens' => 1]);
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request(0)));

        // Clearing the cookie does not reset the quota: the address key is still full.
        unset($_COOKIE['aipkit_guest']);
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request(0)));
        // A forged cookie is not trusted either.
        $_COOKIE['aipkit_guest'] = str_repeat('a', 24) . '.' . str_repeat('b', 64);
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request(0)));
        // Same cookie from another network: the cookie key is full.
        $_COOKIE['aipkit_guest'] = $cookie;
        $_SERVER['REMOTE_ADDR'] = '198.51.100.9';
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request(0)));
        // A new visitor on a new network has its own quota.
        unset($_COOKIE['aipkit_guest']);
        $this->assertIsArray(aipkit_usage_authorize($this->request(0)));

        global $wpdb;
        $subjects = $wpdb->get_col('SELECT DISTINCT subject FROM ' . Tables::counters() . " WHERE subject LIKE 'guest:%'");
        foreach ($subjects as $s) {
            $this->assertStringNotContainsString('203.0.113.7', $s);
        }
        $this->assertStringNotContainsString('203.0.113.7', (string) $wpdb->get_var('SELECT GROUP_CONCAT(subjects) FROM ' . Tables::holds()));
    }

    public function testResetOneScopeAndAllIsRecorded(): void
    {
        $this->quota(['user_limit' => '2', 'period' => 'monthly']);
        $this->quota(['module' => 'ai_forms', 'user_limit' => '2', 'period' => 'daily']);
        $admin = $this->createUser('administrator');
        $this->actAs($admin);
        $u = $this->createUser();
        foreach (['chatbot', 'ai_forms'] as $m) {
            for ($i = 0; $i < 2; $i++) {
                aipkit_usage_settle(aipkit_usage_authorize($this->request($u, ['module' => $m])), ['input_tokens' => 1]);
            }
        }
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request($u)));
        $r = aipkit_usage_reset_quota($u, 'chatbot');
        $this->assertSame('2.000000', $r['reset'][0]['previous_used']);
        $this->assertIsArray(aipkit_usage_authorize($this->request($u)));
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_authorize($this->request($u, ['module' => 'ai_forms'])));
        $rows = array_values(array_filter($this->ledgerRows($u), fn($x) => $x['kind'] === 'usage_reset'));
        $this->assertCount(1, $rows);
        $this->assertSame('0.000000', $rows[0]['amount']);
        $this->assertSame((string) $admin, $rows[0]['actor_id']);
        $this->assertSame('chatbot', $rows[0]['module']);

        $r = aipkit_usage_reset_quota('user:' . $u, 'all');
        $this->assertCount(2, $r['reset']);
        $this->assertIsArray(aipkit_usage_authorize($this->request($u, ['module' => 'ai_forms'])));
        $this->assertNotNull(Quotas::latest_reset('user:' . $u));
        $this->assertInstanceOf(\WP_Error::class, aipkit_usage_reset_quota('nobody', 'all'));
    }
}
