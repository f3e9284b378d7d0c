<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Reconciler;
use AipkitUsage\WooCommerce\Grants;

/**
 * Reversals of the same granted item at the same moment, from separate processes: two refunds whose
 * shares add up to more than the grant, a refund and a cancellation, one refund handled twice, and two
 * refunds that fit. 20 trials: the credits taken back never exceed the credits granted, shares that fit
 * all apply, and ledger = balance.
 */
final class ConcurrentRefundTest extends WooTestCase
{

    protected function transactional(): bool
    {
        return false;
    }

    /** A refund of $qty units recorded by WooCommerce without our hook: the worker processes handle it. */
    private function quietRefund(\WC_Order $order, int $item_id, int $qty): int
    {
        $hook = [Grants::class, 'on_refunded'];
        remove_action('woocommerce_order_refunded', $hook, 20);
        try {
            // A small amount keeps the order short of fully refunded (which would change its status).
            $r = wc_create_refund(['order_id' => $order->get_id(), 'amount' => '1.00', 'refund_payment' => false, 'restock_items' => false,
                'line_items' => [$item_id => ['qty' => $qty, 'refund_total' => '1.00']]]);
        } finally {
            add_action('woocommerce_order_refunded', $hook, 20, 2);
        }
        $this->assertInstanceOf(\WC_Order_Refund::class, $r, is_wp_error($r) ? $r->get_error_message() : '');
        return $r->get_id();
    }

    /** DECIMAL(20,6) text as whole millionths: exact sums without floats. */
    private static function micro(string $amount): int
    {
        return (int) str_replace('.', '', $amount);
    }

    public function testTwentyTrialsOfReversalsOfOneItemAtTheSameMoment(): void
    {
        $product = $this->creditProduct('100');
        $alice = $this->customer();
        // Per scenario: what each process does (units of a refund, 'cancel', or 'same': the previous
        // process's refund again) and the credits that must be taken back in all, of 300 granted.
        $scenarios = [
            'two refunds of 2 of 3 units' => [[2, 2], 300],
            'a refund of 1 unit and a cancellation' => [[1, 'cancel'], 300],
            'two refunds of 1 unit (they fit)' => [[1, 1], 200],
            'one refund handled by two processes' => [[1, 'same'], 100],
            'three refunds of 2 units' => [[2, 2, 2], 300],
        ];
        $names = array_keys($scenarios);
        $over = [];
        $taken = 0;
        for ($trial = 0; $trial < 20; $trial++) {
            $name = $names[$trial % count($names)];
            [$steps, $expected] = $scenarios[$name];
            $order = $this->order($alice, [[$product, 3]], 'completed');
            $item_id = array_key_first($order->get_items());
            $this->assertSame(300 * 1000000, self::micro($this->kinds($order->get_id(), 'purchase')[0]['amount']));
            $actions = [];
            foreach ($steps as $step) {
                $actions[] = match (true) {
                    'cancel' === $step => 'cancel',
                    'same' === $step => end($actions),
                    default => $this->quietRefund(wc_get_order($order->get_id()), $item_id, $step),
                };
            }
            $results = self::runParallel(__DIR__ . '/fixtures/reverse-item.php', count($actions), ['order_id' => $order->get_id(), 'actions' => $actions]);
            $this->assertSame(array_fill(0, count($actions), true), array_column($results, 'ok'));
            wp_cache_flush();
            $reversed = 0;
            foreach ($this->kinds($order->get_id(), 'purchase_reversal') as $r) {
                // What was taken plus what could not be collected: both count against the grant.
                $reversed += -self::micro($r['amount']) + self::micro($r['uncovered']);
                $taken += -self::micro($r['amount']);
            }
            if ($reversed > 300 * 1000000) {
                $over[] = sprintf('trial %d (%s): %s credits reversed of 300', $trial, $name, $reversed / 1000000);
            }
            $this->assertSame($expected * 1000000, $reversed, "trial {$trial}: {$name}");
        }
        $this->assertSame([], $over, 'never more reversed than granted');
        $this->assertSame((20 * 300 * 1000000) - $taken, self::micro($this->balance($alice)));
        $this->assertTrue(Reconciler::run()['ok'], 'ledger = balance');
    }
}
