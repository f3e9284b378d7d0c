<?php
namespace AipkitUsage\Tests\Infra;

use AipkitUsage\Tests\TestCase;
use AipkitUsage\WooCommerce\CreditPackage;

/** The test factories (tests/php/Support/Factory) make real users, pages, products and orders. */
final class FactoriesTest extends TestCase
{
    public function testUsersWithRolesAndMany(): void
    {
        $admin = $this->factory()->user->create_and_get(['role' => 'administrator', 'display_name' => 'Ada']);
        $this->assertSame(['administrator'], $admin->roles);
        $this->assertSame('Ada', $admin->display_name);
        $this->assertTrue(wp_check_password('password', $admin->user_pass, $admin->ID), 'logs in with "password"');

        $ids = $this->factory()->user->create_many(3, ['role' => ['customer', 'editor']]);
        $this->assertCount(3, array_unique($ids));
        foreach ($ids as $id) {
            $this->assertEqualsCanonicalizing(['customer', 'editor'], get_userdata($id)->roles);
        }
    }

    public function testPagesCarryTheShortcode(): void
    {
        $page = $this->factory()->page->create_and_get(['post_content' => 'Intro', 'shortcode' => true]);
        $this->assertSame(['page', 'publish'], [$page->post_type, $page->post_status]);
        $this->assertSame("Intro\n[aipkit_token_usage]", $page->post_content);
        $this->assertStringContainsString('aipkit-dashboard', do_shortcode($page->post_content));

        $post = $this->factory()->post->create_and_get(['shortcode' => '[aipkit_token_usage chatbot="no"]', 'post_status' => 'draft']);
        $this->assertSame(['post', 'draft', '[aipkit_token_usage chatbot="no"]'], [$post->post_type, $post->post_status, $post->post_content]);
    }

    public function testProductsAndOrders(): void
    {
        if (!class_exists('WooCommerce')) {
            $this->markTestSkipped('WooCommerce is not active on this test stack');
        }
        $credits = $this->factory()->product->create_and_get(['credits' => '100', 'price' => '9.50']);
        $this->assertSame(['100 AI credits', 'yes', '100', '9.50', true], [
            $credits->get_name(), $credits->get_meta(CreditPackage::FLAG), $credits->get_meta(CreditPackage::CREDITS),
            $credits->get_regular_price(), $credits->is_virtual(),
        ]);
        $plain = $this->factory()->product->create();

        $alice = $this->factory()->user->create(['role' => 'customer']);
        $order = $this->factory()->order->create_and_get(['customer' => $alice, 'items' => [[$credits, 2], $plain], 'status' => 'completed']);
        $this->assertSame([$alice, 'completed', 'cod', '29.00'], [$order->get_customer_id(), $order->get_status(), $order->get_payment_method(), $order->get_total()]);
        $this->assertSame([2, 1], array_values(array_map(static fn ($i) => $i->get_quantity(), $order->get_items())));
        $this->assertSame('200.000000', aipkit_usage_balance($alice)['balance'], 'the status hooks ran: credits granted');

        $guest = $this->factory()->order->create_and_get(['items' => [$credits->get_id()]]);
        $this->assertSame([0, 'pending'], [$guest->get_customer_id(), $guest->get_status()]);
    }
}
