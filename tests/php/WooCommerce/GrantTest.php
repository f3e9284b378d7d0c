<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Reconciler;
use AipkitUsage\Settings;
use AipkitUsage\WooCommerce\CreditPackage;
use AipkitUsage\WooCommerce\OrderBox;
use AipkitUsage\WooCommerce\OrderItems;

/** Grants on real WooCommerce: exactly once per item, whatever completes the order, with notes. */
final class GrantTest extends WooTestCase
{
    public function testCompletingAnOrderGrantsItsCreditsOnceWithANote(): void
    {
        $alice = $this->customer('wc_alice');
        $order = $this->order($alice, [[$this->creditProduct('100'), 3]]);
        $this->assertSame([], $this->ledger($order->get_id()), 'nothing before completion');

        $order->update_status('completed');

        $rows = $this->kinds($order->get_id(), 'purchase');
        $this->assertCount(1, $rows);
        $item_id = array_key_first($order->get_items());
        $this->assertSame('300.000000', $rows[0]['amount']);
        $this->assertSame('purchase:' . $order->get_id() . ':' . $item_id, $rows[0]['idempotency_key']);
        $this->assertSame((string) $alice, $rows[0]['user_id']);
        $this->assertSame('300.000000', $this->balance($alice));
        $this->assertContains('Granted 300 AI credits to wc_alice, ledger #' . $rows[0]['id'] . '.', $this->notes($order->get_id()));
    }

    public function testTwoItemsTwoEntriesAndEveryOtherPathDoesNotGrantAgain(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('100'), 1], [$this->creditProduct('2.5'), 2]]);
        $order->update_status('completed');
        $this->assertCount(2, $this->kinds($order->get_id(), 'purchase'));
        $this->assertSame('105.000000', $this->balance($alice));

        // Again through every path: update_status, set_status + save (admin edit), REST v3, ping-pong.
        $order = wc_get_order($order->get_id());
        $order->update_status('completed');
        $order->set_status('processing');
        $order->save();
        $order->set_status('completed');
        $order->save();
        $this->actAs($this->createUser('administrator'));
        $r = $this->rest('PUT', '/wc/v3/orders/' . $order->get_id(), ['status' => 'processing']);
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $r = $this->rest('PUT', '/wc/v3/orders/' . $order->get_id(), ['status' => 'completed']);
        $this->assertSame(200, $r->get_status());
        $this->assertSame('completed', wc_get_order($order->get_id())->get_status());

        $this->assertCount(2, $this->kinds($order->get_id(), 'purchase'));
        $this->assertSame('105.000000', $this->balance($alice));
        $this->assertTrue(Reconciler::run()['ok']);
    }

    public function testPaymentCompleteWithAutoCompleteGrantsOnce(): void
    {
        $alice = $this->customer();
        // Virtual and downloadable: WooCommerce completes the order on payment by itself.
        $order = $this->order($alice, [[$this->creditProduct('40', ['downloadable' => true]), 1]]);
        $order->payment_complete('txn-1');
        $order = wc_get_order($order->get_id());
        $this->assertSame('completed', $order->get_status());
        $order->payment_complete('txn-1');
        $this->assertCount(1, $this->kinds($order->get_id(), 'purchase'));
        $this->assertSame('40.000000', $this->balance($alice));
    }

    public function testProcessingIsNotAGrantStatusUnlessChosen(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('10'), 1]], 'processing');
        $this->assertSame([], $this->ledger($order->get_id()));
        $this->assertNotEmpty(preg_grep('/not granted yet: Processing is not a grant status/', $this->notes($order->get_id())));

        Settings::update(['woocommerce_grant_statuses' => ['processing']]);
        $this->assertSame(['completed', 'processing'], Settings::woocommerce_grant_statuses(), 'Completed always stays');
        $order2 = $this->order($alice, [[$this->creditProduct('10'), 1]], 'processing');
        $this->assertCount(1, $this->kinds($order2->get_id(), 'purchase'));
        $order2->update_status('completed');
        $this->assertCount(1, $this->kinds($order2->get_id(), 'purchase'));
    }

    public function testGuestOrderGetsANoteAndIsGrantedOnceACustomerIsLinked(): void
    {
        $order = $this->order(0, [[$this->creditProduct('100'), 1]], 'completed');
        $this->assertSame([], $this->ledger($order->get_id()));
        $this->assertNotEmpty(preg_grep('/No AI credits granted: this is a guest order/', $this->notes($order->get_id())));

        $bob = $this->customer('wc_bob');
        $order->set_customer_id($bob);
        $order->save();
        $order->update_status('processing');
        $order->update_status('completed');
        $this->assertCount(1, $this->kinds($order->get_id(), 'purchase'));
        $this->assertSame('100.000000', $this->balance($bob));
    }

    public function testVariationOverridesTheProductAmountAndBlankInherits(): void
    {
        $product = new \WC_Product_Variable();
        $product->set_name('Bundle');
        $attr = new \WC_Product_Attribute();
        $attr->set_name('Size');
        $attr->set_options(['S', 'L']);
        $attr->set_variation(true);
        $product->set_attributes([$attr]);
        $product->update_meta_data(CreditPackage::FLAG, 'yes');
        $product->update_meta_data(CreditPackage::CREDITS, '50');
        $product->save();
        $vars = [];
        foreach (['S' => '', 'L' => '1000'] as $size => $credits) {
            $v = new \WC_Product_Variation();
            $v->set_parent_id($product->get_id());
            $v->set_attributes(['size' => $size]);
            $v->set_regular_price('5');
            if ('' !== $credits) {
                $v->update_meta_data(CreditPackage::CREDITS, $credits);
            }
            $v->save();
            $vars[$size] = $v;
        }
        $alice = $this->customer();
        $order = $this->order($alice, [[$vars['S'], 2], [$vars['L'], 1]], 'completed');
        $amounts = array_column($this->kinds($order->get_id(), 'purchase'), 'amount');
        sort($amounts);
        $this->assertSame(['100.000000', '1000.000000'], $amounts);
        $this->assertSame('1100.000000', $this->balance($alice));
    }

    public function testAmountsAreFrozenAtPurchase(): void
    {
        $product = $this->creditProduct('100');
        $alice = $this->customer();
        $order = $this->order($alice, [[$product, 2]]);
        $item = array_values($order->get_items())[0];
        $this->assertSame(['per_unit' => '100.000000', 'total' => '200.000000'], OrderItems::frozen($item));

        $product->update_meta_data(CreditPackage::CREDITS, '999');
        $product->save();
        $order->update_status('completed');
        $this->assertSame('200.000000', $this->kinds($order->get_id(), 'purchase')[0]['amount']);

        // An order of a product that was not a package when placed grants nothing, with a note.
        $plain = $this->plainProduct();
        $old = $this->order($alice, [[$plain, 1]]);
        $plain->update_meta_data(CreditPackage::FLAG, 'yes');
        $plain->update_meta_data(CreditPackage::CREDITS, '5');
        $plain->save();
        $old->update_status('completed');
        $this->assertSame([], $this->ledger($old->get_id()));
        $this->assertNotEmpty(preg_grep('/were not AI Puffer credit packages when it was placed/', $this->notes($old->get_id())));
    }

    public function testOrdersWithoutPackagesAreLeftAlone(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->plainProduct(), 1]], 'completed');
        $this->assertSame([], $this->ledger($order->get_id()));
        $this->assertSame([], preg_grep('/AI credits/', $this->notes($order->get_id())));
    }

    public function testGrantNowIsIdempotentAndNeedsPassingChecks(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('7'), 1]]);
        // Completed while the integration did not listen (e.g. the plugin was inactive).
        remove_all_actions('woocommerce_order_status_changed');
        $order->update_status('completed');
        $this->assertSame([], $this->ledger($order->get_id()));

        $this->assertCount(1, OrderBox::grant_checked(wc_get_order($order->get_id()))['granted']);
        $this->assertCount(0, OrderBox::grant_checked(wc_get_order($order->get_id()))['granted']);
        $this->assertSame('7.000000', $this->balance($alice));

        $guest = $this->order(0, [[$this->creditProduct('7'), 1]]);
        $guest->update_status('completed');
        $this->assertSame([], OrderBox::grant_checked(wc_get_order($guest->get_id()))['granted']);
    }

    public function testTrashingOrDeletingAnOrderKeepsTheLedger(): void
    {
        $alice = $this->customer();
        $order = $this->order($alice, [[$this->creditProduct('100'), 1]], 'completed');
        $id = $order->get_id();
        $order->delete(false);
        $this->assertCount(1, $this->ledger($id));
        wc_get_order($id) && wc_get_order($id)->delete(true);
        $this->assertCount(1, $this->ledger($id));
        $this->assertSame('100.000000', $this->balance($alice));
    }
}
