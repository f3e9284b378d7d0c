<?php
namespace AipkitUsage\Tests\Dashboard;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Dashboard\Attributes;
use AipkitUsage\Dashboard\Data;
use AipkitUsage\Dashboard\Shortcode;
use AipkitUsage\Tests\Billing\BillingFixtures;
use AipkitUsage\Tests\TestCase;

/**
 * Each section's data for a customer with a balance, quotas on several scopes, purchases and a
 * refund; what logged-out visitors and users outside the allowed roles get.
 */
final class DashboardDataTest extends TestCase
{
    use BillingFixtures;

    private $tz;
    private int $uid;
    private int $now;

    protected function setUp(): void
    {
        parent::setUp();
        $this->tz = get_option('timezone_string');
        update_option('timezone_string', 'Europe/Berlin');
        $this->now = (new \DateTimeImmutable('2026-11-30 12:00', new \DateTimeZone('Europe/Berlin')))->getTimestamp();
        add_filter('aipkit_usage_now', fn () => $this->now);
        add_filter('aipkit_usage_bots', fn ($b) => array_merge($b, [['module' => 'chatbot', 'bot_id' => 'sales', 'name' => 'Sales <Bot>']]));
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '2']);
        $this->rule(['usage_type' => 'form_submit', 'method' => 'flat', 'unit_rate' => '1.5']);
        $this->quota(['module' => 'chatbot', 'user_limit' => '20', 'period' => 'daily']);
        $this->quota(['module' => 'chatbot', 'bot_id' => 'sales', 'user_limit' => '5', 'period' => 'weekly']);
        $this->quota(['module' => 'ai_forms', 'user_limit' => '10', 'role_limits' => ['subscriber' => null], 'period' => 'monthly']);
        $this->uid = $this->createUser('subscriber');
        $this->fund($this->uid, '0');
    }

    protected function tearDown(): void
    {
        update_option('timezone_string', $this->tz);
        parent::tearDown();
    }

    private function charge(array $over): array
    {
        $h = aipkit_usage_authorize($this->request($this->uid, $over));
        $this->assertIsArray($h, is_wp_error($h) ? $h->get_error_message() : '');
        $s = aipkit_usage_settle($h, ['input_tokens' => 10, 'output_tokens' => 10]);
        $this->assertIsArray($s, is_wp_error($s) ? $s->get_error_message() : '');
        return $s;
    }

    public function testEachSectionForACustomer(): void
    {
        $this->assertFalse(Balances::credit($this->uid, '30', 'purchase', 'purchase:901:1', ['order_id' => 901, 'order_item_id' => 1]) instanceof \WP_Error);
        $this->assertFalse(Balances::credit($this->uid, '12.5', 'purchase', 'purchase:902:1', ['order_id' => 902, 'order_item_id' => 1]) instanceof \WP_Error);
        $this->assertFalse(Balances::credit($this->uid, '-12.5', 'purchase_reversal', 'purchase_reversal:902:1', ['order_id' => 902, 'order_item_id' => 1]) instanceof \WP_Error);
        // Quota first: 3 charges of 2 on the chatbot module (6 of 20), one on the sales bot (2 of 5).
        update_option('aipkit_usage_settings', ['consumption_order' => 'quota_first'] + (array) get_option('aipkit_usage_settings', []));
        $this->charge([]);
        $this->charge([]);
        $this->charge([]);
        $this->charge(['bot_id' => 'sales']);
        // One request in flight holds 2 more on the module.
        $held = aipkit_usage_authorize($this->request($this->uid));
        $this->assertIsArray($held);
        // A form charge: subscribers are unlimited on ai_forms (role override), so it is counted, not limited.
        $this->charge(['module' => 'ai_forms', 'usage_type' => 'form_submit']);

        $d = Data::for_user($this->uid, Attributes::parse([]));

        $this->assertSame(['balance' => '30.000000', 'held' => '0.000000', 'available' => '30.000000', 'uncovered' => '0.000000'], $d['balance']);

        $q = array_column($d['quotas'], null, 'scope');
        $this->assertSame(['chatbot', 'chatbot:sales', 'ai_forms', 'image_generator'], array_keys($q));
        $this->assertSame('20.000000', $q['chatbot']['limit']);
        $this->assertSame('6.000000', $q['chatbot']['used']);
        $this->assertSame('2.000000', $q['chatbot']['held']);
        $this->assertSame('12.000000', $q['chatbot']['remaining']);
        $this->assertSame('40.0', $q['chatbot']['percent']);
        $this->assertSame('daily', $q['chatbot']['period']);
        $this->assertSame((new \DateTimeImmutable('2026-12-01 00:00', new \DateTimeZone('Europe/Berlin')))->getTimestamp(), $q['chatbot']['next_reset']);
        $this->assertSame('Sales <Bot>', $q['chatbot:sales']['bot_name']);
        $this->assertSame('2.000000', $q['chatbot:sales']['used']);
        $this->assertSame('3.000000', $q['chatbot:sales']['remaining']);
        $this->assertSame((new \DateTimeImmutable('2026-12-07 00:00', new \DateTimeZone('Europe/Berlin')))->getTimestamp(), $q['chatbot:sales']['next_reset']);
        $this->assertNull($q['ai_forms']['limit'], 'the subscriber role override makes the form quota unlimited');
        $this->assertSame('1.500000', $q['ai_forms']['used']);
        $this->assertNull($q['ai_forms']['remaining']);
        $this->assertNull($q['image_generator']['limit'], 'no rule: unlimited');
        $this->assertSame('never', $q['image_generator']['period']);
        $this->assertNull($q['image_generator']['next_reset']);

        $p = $d['purchases'];
        $this->assertCount(3, $p);
        $this->assertSame(['purchase_reversal', '-12.500000', 902], [$p[0]['kind'], $p[0]['credits'], $p[0]['order_id']]);
        $this->assertSame(['purchase', '12.500000', 902], [$p[1]['kind'], $p[1]['credits'], $p[1]['order_id']]);
        $this->assertSame(['purchase', '30.000000', 901], [$p[2]['kind'], $p[2]['credits'], $p[2]['order_id']]);

        $u = $d['usage'];
        $this->assertCount(5, $u);
        $this->assertSame(['ai_forms', '1.500000', '1.500000', '0.000000'], [$u[0]['module'], $u[0]['credits'], $u[0]['from_quota'], $u[0]['from_balance']]);
        $this->assertSame(['chatbot', 'sales', 'Sales <Bot>'], [$u[1]['module'], $u[1]['bot_id'], $u[1]['bot_name']]);

        // The render: escaped names, accessible bars, refunds marked, site time with its zone.
        $this->actAs($this->uid);
        $html = Shortcode::render([]);
        $this->assertStringContainsString('Chatbot: Sales &lt;Bot&gt;', $html);
        $this->assertStringNotContainsString('Sales <Bot>', $html);
        $this->assertMatchesRegularExpression('/role="progressbar" aria-label="Chatbot" aria-valuemin="0" aria-valuemax="20" aria-valuenow="6" aria-valuetext="6 of 20 credits used, 12 remaining"/', $html);
        $this->assertStringContainsString('2 credits held by requests in progress', $html);
        $this->assertStringContainsString('Unlimited', $html);
        $this->assertStringContainsString('Refund', $html);
        $this->assertStringContainsString('Order #901', $html);
        $this->assertStringContainsString('<dd>30 credits</dd>', $html);
        $this->assertStringContainsString(wp_date('T', $q['chatbot']['next_reset']), $html);
        $this->assertStringContainsString('datetime="2026-12-01T00:00:00+01:00"', $html);
        $this->assertTrue(defined('DONOTCACHEPAGE') && DONOTCACHEPAGE, 'page caches are told not to keep the page');
        $this->assertTrue(wp_style_is(Shortcode::HANDLE, 'enqueued'), 'the stylesheet loads where the dashboard renders');
        aipkit_usage_release($held);
    }

    public function testBalanceAndHeldWithoutQuotaFirst(): void
    {
        $this->fund($this->uid, '10');
        $h = aipkit_usage_authorize($this->request($this->uid));
        $this->assertIsArray($h);
        $d = Data::for_user($this->uid, Attributes::parse([]));
        $this->assertSame(['balance' => '10.000000', 'held' => '2.000000', 'available' => '8.000000', 'uncovered' => '0.000000'], $d['balance']);
        aipkit_usage_release($h);
    }

    public function testUnpaidUsageIsShownOnlyWhenThereIsSome(): void
    {
        $a = Attributes::parse([]);
        $html = \AipkitUsage\Dashboard\Renderer::dashboard($a, ['balance' => ['balance' => '0.000000', 'held' => '0.000000', 'available' => '0.000000', 'uncovered' => '0.500000'], 'quotas' => [], 'purchases' => [], 'usage' => []], '');
        $this->assertStringContainsString('Usage not yet paid for</dt><dd>0.5 credits', $html);
        $html = \AipkitUsage\Dashboard\Renderer::dashboard($a, ['balance' => ['balance' => '1.000000', 'held' => '0.000000', 'available' => '1.000000', 'uncovered' => '0.000000'], 'quotas' => [], 'purchases' => [], 'usage' => []], '');
        $this->assertStringNotContainsString('not yet paid', $html);
        $this->assertStringContainsString('No quotas apply to your account.', $html);
        $this->assertStringContainsString('No purchases yet.', $html);
        $this->assertStringContainsString('No usage recorded yet.', $html);
    }

    public function testLoggedOutVisitorGetsALoginLinkBackToThePage(): void
    {
        wp_set_current_user(0);
        $_SERVER['REQUEST_URI'] = '/credits-usage/?tab=1';
        $html = do_shortcode('[aipkit_token_usage]');
        $this->assertStringContainsString('Log in to see your credits', $html);
        $this->assertStringContainsString(esc_url(wp_login_url(home_url('/credits-usage/?tab=1'))), $html);
        $this->assertStringNotContainsString('aipkit-dashboard__balance', $html);
    }

    public function testRoleAccess(): void
    {
        $editor = $this->createUser('editor');
        $this->assertIsArray(\AipkitUsage\Settings::update(['dashboard_roles' => ['editor']]));
        $this->actAs($this->uid);
        $html = do_shortcode('[aipkit_token_usage]');
        $this->assertStringContainsString('does not have access', $html);
        $this->assertStringNotContainsString('aipkit-dashboard__balance', $html);
        $this->actAs($editor);
        $this->assertStringContainsString('aipkit-dashboard__balance', do_shortcode('[aipkit_token_usage]'));
        $this->assertInstanceOf(\WP_Error::class, \AipkitUsage\Settings::update(['dashboard_roles' => ['Bad Role']]));
    }

    public function testBuyCreditsUrlChain(): void
    {
        $this->actAs($this->uid);
        // Nothing set, no WooCommerce credit product: no button.
        $this->assertStringNotContainsString('aipkit-dashboard__buy', do_shortcode('[aipkit_token_usage]'));
        \AipkitUsage\Settings::update(['buy_credits_url' => 'https://example.org/setting']);
        $this->assertStringContainsString('href="https://example.org/setting"', do_shortcode('[aipkit_token_usage]'));
        $this->assertStringContainsString('href="https://example.org/attr"', do_shortcode('[aipkit_token_usage buycreditsurl="https://example.org/attr"]'));
        $this->assertStringNotContainsString('aipkit-dashboard__buy', do_shortcode('[aipkit_token_usage buycredits="no"]'));
    }

    public function testAdminNoticeExplainsWhatHidesWhat(): void
    {
        $admin = $this->createUser('administrator');
        $this->actAs($admin);
        $_GET['aipkit_dashboard_user'] = get_userdata($this->uid)->user_login;
        \AipkitUsage\Settings::update(['dashboard_roles' => ['editor']]);
        $this->charge([]);
        \AipkitUsage\Dashboard\AdminNotice::reset();
        try {
            $html = do_shortcode('[aipkit_token_usage aiforms="no"]');
            $this->assertStringNotContainsString('Only administrators', do_shortcode('[aipkit_token_usage]'), 'one box per page, not one per dashboard');
        } finally {
            unset($_GET['aipkit_dashboard_user']);
        }
        $this->assertStringContainsString('Only administrators see this box.', $html);
        $this->assertStringContainsString('gets the &quot;no access&quot; message', $html);
        $this->assertStringContainsString('AI Forms: hidden by the attribute aiforms=&quot;false&quot;.', $html);
        $this->assertStringContainsString('Chatbot: shown; 1 charge recorded for this user.', $html);
        $this->assertStringContainsString('Image Generator: shown, but no usage is recorded', $html);
        $this->actAs($this->uid);
        $this->assertStringNotContainsString('Only administrators', do_shortcode('[aipkit_token_usage]'));
    }
}
