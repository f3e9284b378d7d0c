<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\WooCommerce\Module;

/** HPOS and cart/checkout blocks declared; the storage under test is the one the stage asked for; no WooCommerce, no fatal. */
final class CompatibilityTest extends WooTestCase
{
    public function testCompatibilityIsDeclared(): void
    {
        $util = \Automattic\WooCommerce\Utilities\FeaturesUtil::class;
        if (!method_exists($util, 'get_compatible_plugins_for_feature')) {
            $this->markTestSkipped('this WooCommerce cannot list declared compatibility');
        }
        foreach (['custom_order_tables', 'cart_checkout_blocks'] as $feature) {
            $c = $util::get_compatible_plugins_for_feature($feature);
            $this->assertContains('aipkit-usage/aipkit-usage.php', $c['compatible'], $feature);
        }
    }

    public function testOrderStorageIsTheOneThisStageRunsOn(): void
    {
        $this->assertSame('off' !== getenv('AIPKIT_WC_HPOS'), Module::hpos());
        $order = $this->order($this->customer(), [[$this->creditProduct('1'), 1]], 'completed');
        $this->assertCount(1, $this->kinds($order->get_id(), 'purchase'));
        global $wpdb;
        $in_posts = (int) $wpdb->get_var($wpdb->prepare("SELECT COUNT(*) FROM {$wpdb->posts} WHERE ID = %d AND post_type = 'shop_order'", $order->get_id()));
        $this->assertSame(Module::hpos() ? 0 : 1, $in_posts);
    }

    public function testWithoutWooCommerceNothingFatalsAndTheRoutesSaySo(): void
    {
        $cmd = [PHP_BINARY, '-d', 'ffi.enable=1', __DIR__ . '/fixtures/without-woocommerce.php'];
        $env = getenv();
        $env['AIPKIT_WP_DIR'] = getenv('AIPKIT_TEST_WP_DIR');
        $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $rc = proc_close($p);
        $this->assertSame(0, $rc, $out . $err);
        $r = json_decode($out, true);
        $this->assertFalse($r['woocommerce_loaded']);
        $this->assertFalse($r['status']['active']);
        $this->assertSame([], $r['status']['products']);
        $this->assertSame(409, $r['diagnostics_status']);
        $this->assertSame('aipkit_woocommerce_inactive', $r['diagnostics_code']);
    }
}
