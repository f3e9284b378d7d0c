<?php
namespace AipkitUsage\Tests\Dashboard;

use AipkitUsage\Dashboard\MyAccount;
use AipkitUsage\Health\DashboardHealth;
use AipkitUsage\Settings;
use AipkitUsage\Tests\TestCase;

/** The Customer dashboard page picker, "Create the page for me", its warning, and the Site Health checks. */
final class PageSetupTest extends TestCase
{
    public function testCreateChooseAndWarn(): void
    {
        $this->actAs($this->createUser('administrator'));
        $health = new DashboardHealth();
        $this->assertSame('recommended', $health->dashboard_test()['status'], 'no page yet');

        $res = $this->rest('POST', '/aipkit/v1/dashboard/page/create');
        $this->assertSame(201, $res->get_status(), wp_json_encode($res->get_data()));
        $d = $this->restData($res);
        $page = get_post($d['page']['id']);
        $this->assertSame('publish', $page->post_status);
        $this->assertStringContainsString('[aipkit_token_usage title=""]', $page->post_content);
        $this->assertSame('Credits & Usage', $page->post_title);
        $this->assertSame('', $d['warning']);
        $this->assertSame($page->ID, Settings::dashboard_page_id());
        $this->assertSame(get_permalink($page), Settings::customer_dashboard_url());
        $this->assertSame('good', $health->dashboard_test()['status']);

        // The picker lists published pages and says which hold the shortcode.
        $other = $this->factory()->page->create(['post_content' => 'Hello']);
        $mine = $this->factory()->page->create(['post_content' => 'My usage', 'shortcode' => '[aipkit_token_usage chatbot="no"]']);
        $list = $this->restData($this->rest('GET', '/aipkit/v1/dashboard/pages'));
        $flags = array_column($list['items'], 'has_shortcode', 'id');
        $this->assertTrue($flags[$page->ID]);
        $this->assertFalse($flags[$other]);
        $this->assertTrue($flags[$mine], 'the shortcode with attributes counts');

        // Choosing a page without the shortcode: saved, with a warning everywhere it matters.
        $d = $this->restData($this->rest('POST', '/aipkit/v1/dashboard/page', ['page_id' => $other]));
        $this->assertStringContainsString('does not contain the [aipkit_token_usage] shortcode', $d['warning']);
        $this->assertSame(get_permalink($other), Settings::customer_dashboard_url());
        $this->assertSame('recommended', $health->dashboard_test()['status']);

        // A draft or a post is refused and changes nothing.
        $draft = $this->factory()->page->create(['post_status' => 'draft', 'shortcode' => true]);
        $this->assertSame(400, $this->rest('POST', '/aipkit/v1/dashboard/page', ['page_id' => $draft])->get_status());
        $post = $this->factory()->post->create(['shortcode' => true]);
        $this->assertSame(400, $this->rest('POST', '/aipkit/v1/dashboard/page', ['page_id' => $post])->get_status());
        $this->assertSame($other, Settings::dashboard_page_id());

        // 0 clears the choice.
        $this->restData($this->rest('POST', '/aipkit/v1/dashboard/page', ['page_id' => 0]));
        $this->assertSame(0, Settings::dashboard_page_id());
        $this->assertSame('', Settings::customer_dashboard_url());
    }

    public function testRoutesNeedManageSettings(): void
    {
        $this->actAs($this->createUser('subscriber'));
        $this->assertSame(403, $this->rest('POST', '/aipkit/v1/dashboard/page/create')->get_status());
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/dashboard/pages')->get_status());
        $this->assertSame(0, (int) (new \WP_Query(['post_type' => 'page', 'title' => 'Credits & Usage']))->found_posts);
    }

    public function testSiteHealthChecks(): void
    {
        $tests = apply_filters('site_status_tests', ['direct' => [], 'async' => []]);
        foreach (['aipkit_usage_dashboard', 'aipkit_usage_logs_size', 'aipkit_usage_grants', 'aipkit_usage_woocommerce'] as $t) {
            $this->assertArrayHasKey($t, $tests['direct']);
            $r = call_user_func($tests['direct'][$t]['test']);
            $this->assertContains($r['status'], ['good', 'recommended', 'critical']);
            $this->assertSame($t, $r['test']);
        }
        $h = new DashboardHealth();
        update_option('aipkit_usage_logs_retention', ['enabled' => true, 'days' => 30]);
        $this->assertStringContainsString('older than 30 days', $h->logs_test()['description']);
        update_option('aipkit_usage_logs_retention', ['enabled' => false, 'days' => 30]);
        $this->assertStringContainsString('Auto-delete is off', $h->logs_test()['description']);

        $u = $this->createUser('subscriber');
        \AipkitUsage\Billing\Balances::credit($u, '5', 'purchase', 'purchase:77:1', ['order_id' => 77]);
        $this->assertStringContainsString('1 credit purchases and 0 reversals', $h->grants_test()['description']);
        $this->assertSame(class_exists('WooCommerce') ? 'good' : 'recommended', $h->woocommerce_test()['status']);
    }

    public function testMyAccountTab(): void
    {
        if (!class_exists('WooCommerce')) {
            // The menu filter is plain PHP: checked without WooCommerce too.
            $items = MyAccount::menu_items(['dashboard' => 'Dashboard', 'orders' => 'Orders', 'customer-logout' => 'Log out']);
            $this->assertSame(['dashboard', 'orders', 'aipkit-credits', 'customer-logout'], array_keys($items));
            $this->assertSame('Credits & Usage', $items['aipkit-credits']);
            $this->assertFalse(MyAccount::enabled(), 'no tab without WooCommerce');
            $this->markTestSkipped('WooCommerce is not active on the PHPUnit site: the rendered tab is checked in tests/browser/dashboard.spec.mjs when WooCommerce is installed there.');
        }
        $this->assertTrue(MyAccount::enabled());
        Settings::update(['dashboard_my_account_tab' => false]);
        $this->assertFalse(MyAccount::enabled());
    }
}
