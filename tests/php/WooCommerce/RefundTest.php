<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Reconciler;
use AipkitUsage\Settings;

/** Refunds and cancellations after a grant: purchase_reversal entries, never below held, uncollected recorded. */
final class RefundTest extends WooTestCase
{
    private function completed(int $user, string $credits, int $qty, string $price = '10.00'): \WC_Order
    {
        return $this->order($user, [[$this->creditProduct($credits, ['price' => $price]), $qty]], 'completed');
    }

    private function refund(\WC_Order $order, array $args): \WC_Order_Refund
    {
        $r = wc_create_refund($args + ['order_id' => $order->get_id(), 'refund_payment' => false, 'restock_items' => false]);
        $this->assertInstanceOf(\WC_Order_Refund::class, $r, is_wp_error($r) ? $r->get_error_message() : '');
        return $r;
    }

    public function testRefundByQuantityTakesBackThatShare(): void
    {
        $alice = $this->customer('wc_refund_q');
        $order = $this->completed($alice, '100', 4);
        $item_id = array_key_first($order->get_items());
        $refund = $this->refund($order, ['amount' => '10.00', 'line_items' => [$item_id => ['qty' => 1, 'refund_total' => '10.00']]]);

        $rev = $this->kinds($order->get_id(), 'purchase_reversal');
        $this->assertCount(1, $rev);
        $this->assertSame('-100.000000', $rev[0]['amount']);
        $this->assertSame('purchase_reversal:' . $order->get_id() . ':' . $item_id . ':' . $refund->get_id(), $rev[0]['idempotency_key']);
        $this->assertSame('300.000000', $this->balance($alice));
        $this->assertNotEmpty(preg_grep('/Took back 100 AI credits from wc_refund_q \(refund #' . $refund->get_id() . '\), ledger #' . $rev[0]['id'] . '/', $this->notes($order->get_id())));
    }

    public function testRefundByAmountTakesBackTheAmountShare(): void
    {
        $alice = $this->customer();
        $order = $this->completed($alice, '100', 2, '10.00'); // 200 credits for 20.00
        $item_id = array_key_first($order->get_items());
        $this->refund($order, ['amount' => '5.00', 'line_items' => [$item_id => ['qty' => 0, 'refund_total' => '5.00']]]);
        $this->assertSame('-50.000000', $this->kinds($order->get_id(), 'purchase_reversal')[0]['amount']);

        // A refund of an amount without items: the same fraction of every granted item.
        $this->refund($order, ['amount' => '2.00']);
        $rev = $this->kinds($order->get_id(), 'purchase_reversal');
        $this->assertCount(2, $rev);
        $this->assertSame('-20.000000', $rev[1]['amount']);
        $this->assertSame('130.000000', $this->balance($alice));
    }

    public function testFullRefundReversesWhatRemainsOnce(): void
    {
        $alice = $this->customer();
        $order = $this->completed($alice, '100', 3);
        $item_id = array_key_first($order->get_items());
        $this->refund($order, ['amount' => '10.00', 'line_items' => [$item_id => ['qty' => 1, 'refund_total' => '10.00']]]);
        $this->refund($order, ['amount' => '20.00', 'line_items' => [$item_id => ['qty' => 2, 'refund_total' => '20.00']]]);
        $this->assertSame('refunded', wc_get_order($order->get_id())->get_status());
        $sum = array_sum(array_map(static fn ($r) => (int) round((float) $r['amount']), $this->kinds($order->get_id(), 'purchase_reversal')));
        $this->assertSame(-300, $sum);
        $this->assertSame('0.000000', $this->balance($alice));

        // Refunded → completed again does not grant a second time.
        wc_get_order($order->get_id())->update_status('completed');
        $this->assertCount(1, $this->kinds($order->get_id(), 'purchase'));
        $this->assertSame('0.000000', $this->balance($alice));
        $this->assertTrue(Reconciler::run()['ok']);
    }

    public function testCancellationAfterHalfWasSpentRecordsTheUncollectedRest(): void
    {
        $alice = $this->customer('wc_spender');
        $order = $this->completed($alice, '100', 1);
        // Alice spends 50 and another 10 is held by a request in flight.
        $this->assertFalse(Balances::credit($alice, '-50', 'admin_adjustment', 'test-spend-' . $alice)['duplicate']);
        global $wpdb;
        $wpdb->query($wpdb->prepare('UPDATE ' . \AipkitUsage\Billing\Tables::balances() . ' SET held = 10 WHERE user_id = %d', $alice));

        wc_get_order($order->get_id())->update_status('cancelled');

        $rev = $this->kinds($order->get_id(), 'purchase_reversal');
        $this->assertCount(1, $rev);
        $this->assertSame('-40.000000', $rev[0]['amount'], 'only down to the held credits');
        $this->assertSame('60.000000', $rev[0]['uncovered']);
        $this->assertSame('10.000000', $this->balance($alice));
        $this->assertNotEmpty(preg_grep('/Took back 40 AI credits .* 60 credits could not be collected/', $this->notes($order->get_id())));

        // Nothing remains to take: cancelling again or refunding changes nothing.
        wc_get_order($order->get_id())->update_status('completed');
        wc_get_order($order->get_id())->update_status('cancelled');
        $this->assertCount(1, $this->kinds($order->get_id(), 'purchase_reversal'));
    }

    public function testAllowNegativeBalanceTakesEverything(): void
    {
        Settings::update(['woocommerce_allow_negative_balance' => true]);
        $alice = $this->customer();
        $order = $this->completed($alice, '100', 1);
        Balances::credit($alice, '-70', 'admin_adjustment', 'test-spend-neg-' . $alice);
        wc_get_order($order->get_id())->update_status('refunded');
        $rev = $this->kinds($order->get_id(), 'purchase_reversal');
        $this->assertSame('-100.000000', $rev[0]['amount']);
        $this->assertSame('0.000000', $rev[0]['uncovered']);
        $this->assertSame('-70.000000', $this->balance($alice));
    }

    public function testUnitsRefundedBeforeTheGrantAreNotGranted(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('100'), 3]], 'processing');
        $item_id = array_key_first($order->get_items());
        $this->refund($order, ['amount' => '10.00', 'line_items' => [$item_id => ['qty' => 1, 'refund_total' => '10.00']]]);
        $this->assertSame([], $this->ledger($order->get_id()));
        wc_get_order($order->get_id())->update_status('completed');
        $this->assertSame('200.000000', $this->kinds($order->get_id(), 'purchase')[0]['amount']);
        $this->assertSame('200.000000', $this->balance($alice));
    }

    public function testCreditRefusesAReversalBelowHeldWithoutOptions(): void
    {
        $alice = $this->customer();
        Balances::credit($alice, '5', 'purchase', 'test-p-' . $alice);
        $r = Balances::credit($alice, '-6', 'purchase_reversal', 'test-r-' . $alice);
        $this->assertWPError($r);
        $this->assertSame('aipkit_insufficient_balance', $r->get_error_code());
        $this->assertSame('5.000000', $this->balance($alice));
    }

    private function assertWPError($v): void
    {
        $this->assertInstanceOf(\WP_Error::class, $v);
    }
}
