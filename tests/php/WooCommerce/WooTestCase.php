<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Settings;
use AipkitUsage\Tests\TestCase;

/**
 * Base of the tests on real WooCommerce: skipped (one reason) when the test site has no WooCommerce
 * (the Debian stack without the archives). Shorthands for credit products and orders, and ledger readers.
 */
abstract class WooTestCase extends TestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        if (!class_exists('WooCommerce')) {
            $this->markTestSkipped('WooCommerce is not active on this test stack (the archives in AIPKIT_VENDOR_DIR are missing)');
        }
        // Order mails have no transport here.
        add_filter('pre_wp_mail', '__return_false');
        // A test that changes the settings gets them back.
        $this->settingsBackup = get_option(Settings::OPTION, null);
    }

    private $settingsBackup;

    protected function tearDown(): void
    {
        if (null === $this->settingsBackup) {
            delete_option(Settings::OPTION);
        } else {
            update_option(Settings::OPTION, $this->settingsBackup);
        }
        parent::tearDown();
    }

    // Shorthands for the factories (tests/php/Support/Factory), which clean up after committed tests too.

    protected function creditProduct(string $credits = '100', array $props = []): \WC_Product_Simple
    {
        return $this->factory()->product->create_and_get(['credits' => $credits] + $props);
    }

    protected function plainProduct(): \WC_Product_Simple
    {
        return $this->factory()->product->create_and_get(['name' => 'T-shirt', 'price' => '15.00']);
    }

    /** @param array<int,array{0:\WC_Product,1:int}> $lines */
    protected function order(int $customer_id, array $lines, string $status = 'pending'): \WC_Order
    {
        return $this->factory()->order->create_and_get(['customer' => $customer_id, 'items' => $lines, 'status' => $status]);
    }

    /** @return array<int,array<string,mixed>> */
    protected function ledger(int $order_id): array
    {
        global $wpdb;
        return $wpdb->get_results($wpdb->prepare('SELECT * FROM ' . Tables::ledger() . ' WHERE order_id = %d ORDER BY id', $order_id), ARRAY_A);
    }

    protected function kinds(int $order_id, string $kind): array
    {
        return array_values(array_filter($this->ledger($order_id), static fn ($r) => $r['kind'] === $kind));
    }

    protected function balance(int $user_id): string
    {
        return Balances::get($user_id)['balance'];
    }

    /** @return string[] the order's notes, newest first */
    protected function notes(int $order_id): array
    {
        return array_map(static fn ($n) => $n->content, wc_get_order_notes(['order_id' => $order_id]));
    }

    protected function customer(string $login = ''): int
    {
        return $this->createUser('customer', $login ? ['user_login' => $login] : []);
    }
}
