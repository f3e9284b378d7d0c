<?php
namespace AipkitUsage\Tests\WooCommerce;

/** "Check an order": GET aipkit/v1/woocommerce/orders/{id}/diagnostics and the tab's product list. */
final class DiagnosticsTest extends WooTestCase
{
    public function testGuestOrderFailsTheLinkedUserCheckWithAPlainSentence(): void
    {
        $order = $this->order(0, [[$this->creditProduct('100'), 1]], 'completed');
        $this->actAs($this->createUser('administrator'));
        $r = $this->rest('GET', '/aipkit/v1/woocommerce/orders/' . $order->get_id() . '/diagnostics');
        $this->assertSame(200, $r->get_status());
        $d = $this->restData($r);
        $checks = array_column($d['checks'], null, 'key');
        $this->assertSame(['status', 'customer', 'package', 'amount'], array_keys($checks));
        $this->assertTrue($checks['status']['passed']);
        $this->assertFalse($checks['customer']['passed']);
        $this->assertStringContainsString('This is a guest order', $checks['customer']['message']);
        $this->assertTrue($checks['package']['passed']);
        $this->assertTrue($checks['amount']['passed']);
        $this->assertSame('The order’s packages are worth 100 AI credits.', $checks['amount']['message']);
        $this->assertFalse($d['can_grant']);
        $this->assertSame([], $d['ledger']);
    }

    public function testGrantedOrderShowsItsLedgerRows(): void
    {
        $alice = $this->customer('wc_diag');
        $order = $this->order($alice, [[$this->creditProduct('100'), 2]], 'completed');
        $this->actAs($this->createUser('administrator'));
        $d = $this->restData($this->rest('GET', '/aipkit/v1/woocommerce/orders/' . $order->get_id() . '/diagnostics'));
        $this->assertTrue($d['passed']);
        $this->assertCount(1, $d['ledger']);
        $this->assertSame('purchase', $d['ledger'][0]['kind']);
        $this->assertSame('200.000000', $d['ledger'][0]['amount']);
        $this->assertSame('200.000000', $d['items'][0]['granted']);
        $this->assertFalse($d['can_grant'], 'already granted');
    }

    public function testProcessingOrderAndUnknownOrderAndPermissions(): void
    {
        $order = $this->order($this->customer(), [[$this->plainProduct(), 1]], 'processing');
        $this->actAs($this->createUser('administrator'));
        $d = $this->restData($this->rest('GET', '/aipkit/v1/woocommerce/orders/' . $order->get_id() . '/diagnostics'));
        $checks = array_column($d['checks'], null, 'key');
        $this->assertFalse($checks['status']['passed']);
        $this->assertStringContainsString('The order is Processing', $checks['status']['message']);
        $this->assertFalse($checks['package']['passed']);
        $this->assertFalse($checks['amount']['passed']);

        $this->assertSame(404, $this->rest('GET', '/aipkit/v1/woocommerce/orders/999999/diagnostics')->get_status());
        $this->actAs($this->createUser('subscriber'));
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/woocommerce/orders/' . $order->get_id() . '/diagnostics')->get_status());
    }

    public function testStatusListsCreditProductsOnly(): void
    {
        $p = $this->creditProduct('100', ['name' => 'Diag credits']);
        $this->plainProduct();
        $this->actAs($this->createUser('administrator'));
        $d = $this->restData($this->rest('GET', '/aipkit/v1/woocommerce'));
        $this->assertTrue($d['active']);
        $names = array_column($d['products'], 'name');
        $this->assertContains('Diag credits', $names);
        $this->assertNotContains('T-shirt', $names);
        $row = $d['products'][array_search('Diag credits', $names, true)];
        $this->assertSame(['100'], $row['credits']);
        $this->assertStringContainsString('post.php?post=' . $p->get_id(), $row['edit_url']);
    }
}
