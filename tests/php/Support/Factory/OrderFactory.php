<?php
namespace AipkitUsage\Tests\Support\Factory;

/**
 * WooCommerce orders through wc_create_order(), add_product() and calculate_totals(), paid by cash
 * on delivery, as the checkout would leave them. Then moved to 'status' (default pending) with
 * update_status(), so the status hooks (credit grants among them) run as on a real shop.
 *   'customer' => user id (0 = guest), 'items' => [[$product_or_id, $qty], ...] (a bare product = 1),
 *   'status' => 'completed', 'payment_method' => 'cod'
 *   $this->factory()->order->create_and_get(['customer' => $alice, 'items' => [[$product, 2]], 'status' => 'completed'])
 */
final class OrderFactory extends ObjectFactory
{
    protected function make(array $args): int
    {
        // Order mails have no transport here (the test's hooks are restored afterwards).
        add_filter('pre_wp_mail', '__return_false');
        $order = wc_create_order(['customer_id' => (int) ($args['customer'] ?? 0)]);
        self::check($order instanceof \WC_Order ? $order->get_id() : $order, 'creating an order');
        foreach ($args['items'] ?? [] as $item) {
            [$product, $qty] = is_array($item) ? $item + [1 => 1] : [$item, 1];
            $order->add_product($product instanceof \WC_Product ? $product : wc_get_product($product), $qty);
        }
        $order->set_payment_method($args['payment_method'] ?? 'cod');
        $order->calculate_totals();
        $order->save();
        $status = $args['status'] ?? 'pending';
        if ('pending' !== $status) {
            $order->update_status($status);
        }
        return $order->get_id();
    }

    /** A fresh copy (what the status hooks wrote included). */
    public function get(int $id): \WC_Order
    {
        return wc_get_order($id);
    }

    protected function delete(int $id): void
    {
        ($o = wc_get_order($id)) && $o->delete(true);
    }
}
