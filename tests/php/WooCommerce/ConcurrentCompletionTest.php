<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Reconciler;

/** Two processes complete the same order at the same moment: 20 trials, never a double grant. */
final class ConcurrentCompletionTest extends WooTestCase
{
    private array $orders = [];
    private array $products = [];

    protected function transactional(): bool
    {
        return false;
    }

    protected function tearDown(): void
    {
        foreach ($this->orders as $id) {
            ($o = wc_get_order($id)) && $o->delete(true);
        }
        foreach ($this->products as $id) {
            ($p = wc_get_product($id)) && $p->delete(true);
        }
        parent::tearDown();
    }

    public function testTwentyTrialsOfTwoProcessesCompletingTogether(): void
    {
        $product = $this->creditProduct('100');
        $this->products[] = $product->get_id();
        $alice = $this->customer();
        $doubles = 0;
        for ($trial = 0; $trial < 20; $trial++) {
            $order = $this->order($alice, [[$product, 1]]);
            $this->orders[] = $order->get_id();
            $results = self::runParallel(__DIR__ . '/fixtures/complete-order.php', 2, ['order_id' => $order->get_id()]);
            $this->assertSame([true, true], array_column($results, 'ok'));
            wp_cache_flush();
            $grants = count($this->kinds($order->get_id(), 'purchase'));
            $this->assertSame(1, $grants, "trial {$trial}");
            $doubles += $grants - 1;
            $this->assertSame(1, count(preg_grep('/^Granted 100 AI credits/', $this->notes($order->get_id()))), "one grant note in trial {$trial}");
        }
        $this->assertSame(0, $doubles);
        $this->assertSame('2000.000000', $this->balance($alice));
        $this->assertTrue(Reconciler::run()['ok'], 'ledger = balance');
    }
}
