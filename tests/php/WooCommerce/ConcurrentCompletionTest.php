<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Reconciler;

/**
 * Two processes complete the same order at the same moment: 20 trials, never a double grant. The
 * orders are committed (the processes must see them); the factories delete them afterwards.
 */
final class ConcurrentCompletionTest extends WooTestCase
{
    protected function transactional(): bool
    {
        return false;
    }

    public function testTwentyTrialsOfTwoProcessesCompletingTogether(): void
    {
        $product = $this->creditProduct('100');
        $alice = $this->customer();
        $doubles = 0;
        for ($trial = 0; $trial < 20; $trial++) {
            $order = $this->order($alice, [[$product, 1]]);
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
