<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\WooCommerce\OrderBox;

/** The order screen's "AI Puffer credits" box, on whichever order storage the stage runs. */
final class OrderBoxTest extends WooTestCase
{
    private function render(int $order_id): string
    {
        ob_start();
        OrderBox::render(wc_get_order($order_id));
        return ob_get_clean();
    }

    public function testRegisteredOnTheOrderScreenOfThisStorage(): void
    {
        global $wp_meta_boxes;
        require_once ABSPATH . 'wp-admin/includes/template.php';
        require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
        require_once ABSPATH . 'wp-admin/includes/screen.php';
        require_once WC_ABSPATH . 'includes/admin/wc-admin-functions.php';
        OrderBox::add();
        $screen = wc_get_page_screen_id('shop-order');
        $this->assertArrayHasKey('aipkit-usage-credits', $wp_meta_boxes[$screen]['normal']['default']);
    }

    public function testGrantedItemShowsBoughtGrantedWithLedgerLinkAndReversed(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('100'), 2]], 'completed');
        $item_id = array_key_first($order->get_items());
        wc_create_refund(['order_id' => $order->get_id(), 'amount' => '10.00', 'line_items' => [$item_id => ['qty' => 1, 'refund_total' => '10.00']]]);
        $html = $this->render($order->get_id());
        $ledger = $this->kinds($order->get_id(), 'purchase')[0]['id'];
        $this->assertStringContainsString('Credits bought', $html);
        $this->assertMatchesRegularExpression('#<td>200</td><td>200 <a href="[^"]*section=activity">ledger \#' . $ledger . '</a></td><td>100</td>#', $html);
        $this->assertStringNotContainsString('>Grant now</a>', $html);
        // The refund line (a copy of the item) left the item's frozen amounts alone.
        $this->assertSame('200.000000', wc_get_order($order->get_id())->get_item($item_id)->get_meta('_aipkit_credits_total'));
    }

    public function testGrantNowShownOnlyWhenChecksPassAndNothingWasGranted(): void
    {
        $this->actAs($this->createUser('administrator'));
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('5'), 1]]);
        remove_all_actions('woocommerce_order_status_changed');
        $order->update_status('completed');
        $html = $this->render($order->get_id());
        $this->assertStringContainsString('not granted', $html);
        $this->assertStringContainsString('>Grant now</a>', $html);
        $this->assertStringContainsString('_wpnonce=', $html);

        $guest = $this->order(0, [[$this->creditProduct('5'), 1]]);
        $guest->update_status('completed');
        $html = $this->render($guest->get_id());
        $this->assertStringNotContainsString('>Grant now</a>', $html);
        $this->assertStringContainsString('This is a guest order', $html);
    }

    public function testGrantNowRefusesAForgedNonce(): void
    {
        $this->actAs($this->createUser('administrator'));
        $order = $this->order($this->customer(), [[$this->creditProduct('5'), 1]]);
        $_GET['order_id'] = (string) $order->get_id();
        $_REQUEST['_wpnonce'] = 'forged';
        $this->expectException(\AipkitUsage\Tests\WpDieException::class);
        OrderBox::grant_now();
    }
}
