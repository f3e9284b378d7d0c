<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\WooCommerce\CreditPackage;
use AipkitUsage\WooCommerce\OrderItems;

/** Every way an order is created freezes the package amount into its items. */
final class FrozenAtPurchaseTest extends WooTestCase
{
    private function frozenOf(int $order_id): array
    {
        $items = wc_get_order($order_id)->get_items();
        return array_values(array_map([OrderItems::class, 'frozen'], $items));
    }

    public function testRestV3OrderCreation(): void
    {
        $product = $this->creditProduct('12.5');
        $this->actAs($this->createUser('administrator'));
        $r = $this->rest('POST', '/wc/v3/orders', [
            'customer_id' => $this->customer(),
            'line_items' => [['product_id' => $product->get_id(), 'quantity' => 4]],
        ]);
        $this->assertSame(201, $r->get_status(), wp_json_encode($r->get_data()));
        $this->assertSame([['per_unit' => '12.500000', 'total' => '50.000000']], $this->frozenOf($r->get_data()['id']));
    }

    public function testClassicCheckout(): void
    {
        $product = $this->creditProduct('3');
        $customer = $this->customer();
        $this->actAs($customer);
        wc_load_cart();
        WC()->cart->empty_cart();
        WC()->cart->add_to_cart($product->get_id(), 2);
        $order_id = WC()->checkout()->create_order([
            'payment_method' => 'cod',
            'billing_email' => 'buyer@example.test',
            'billing_first_name' => 'Buyer',
        ]);
        $this->assertIsInt($order_id, is_wp_error($order_id) ? $order_id->get_error_message() : '');
        $this->assertSame([['per_unit' => '3.000000', 'total' => '6.000000']], $this->frozenOf($order_id));
        WC()->cart->empty_cart();
    }

    public function testAdminQuantityEditBeforeGrantFollowsButProductEditsDoNot(): void
    {
        $product = $this->creditProduct('10');
        $order = $this->order($this->customer(), [[$product, 1]]);
        $product->update_meta_data(CreditPackage::CREDITS, '99');
        $product->save();
        $item = array_values($order->get_items())[0];
        $item->set_quantity(3);
        $item->save();
        $this->assertSame([['per_unit' => '10.000000', 'total' => '30.000000']], $this->frozenOf($order->get_id()));
        // The admin adds another line later: that one takes the product's amount of that moment.
        $order = wc_get_order($order->get_id());
        $order->add_product($product, 1);
        $this->assertSame(['10.000000', '99.000000'], array_column($this->frozenOf($order->get_id()), 'per_unit'));
    }

    public function testBlockCheckoutThroughTheStoreApi(): void
    {
        $product = $this->creditProduct('7');
        $this->actAs($this->customer());
        add_filter('woocommerce_store_api_disable_nonce_check', '__return_true');
        wc_load_cart();
        WC()->cart->empty_cart();
        $add = $this->rest('POST', '/wc/store/v1/cart/add-item', ['id' => $product->get_id(), 'quantity' => 3]);
        $this->assertSame(201, $add->get_status(), wp_json_encode($add->get_data()));
        $address = ['first_name' => 'Block', 'last_name' => 'Buyer', 'address_1' => '1 Main St', 'city' => 'Los Angeles',
            'state' => 'CA', 'postcode' => '90001', 'country' => 'US', 'email' => 'block@example.test', 'phone' => ''];
        $r = $this->rest('POST', '/wc/store/v1/checkout', [
            'billing_address' => $address,
            'shipping_address' => array_diff_key($address, ['email' => 1]),
            'payment_method' => 'cod',
        ]);
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $order_id = (int) $r->get_data()['order_id'];
        $this->assertSame([['per_unit' => '7.000000', 'total' => '21.000000']], $this->frozenOf($order_id));
        WC()->cart->empty_cart();
    }
}
