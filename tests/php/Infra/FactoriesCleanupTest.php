<?php
namespace AipkitUsage\Tests\Infra;

use AipkitUsage\Tests\TestCase;

/**
 * A committed test (transactional() false, as the parallel-process tests are): what the factories
 * made is deleted in tearDown, so the next test starts from the same site.
 */
final class FactoriesCleanupTest extends TestCase
{
    protected function transactional(): bool
    {
        return false;
    }

    /** @return array<string,int> */
    public function testMakesCommittedObjects(): array
    {
        $made = [
            'user' => $this->factory()->user->create(['role' => 'customer']),
            'page' => $this->factory()->page->create(['shortcode' => true]),
        ];
        if (class_exists('WooCommerce')) {
            $product = $this->factory()->product->create(['credits' => '5']);
            $made['product'] = $product;
            $made['order'] = $this->factory()->order->create(['customer' => $made['user'], 'items' => [[$product, 1]]]);
        }
        $this->assertInstanceOf(\WP_User::class, get_userdata($made['user']));
        return $made;
    }

    /** @depends testMakesCommittedObjects */
    public function testTheyAreGoneInTheNext(array $made): void
    {
        $this->assertFalse(get_userdata($made['user']));
        $this->assertNull(get_post($made['page']));
        if (isset($made['order'])) {
            $this->assertFalse(wc_get_order($made['order']));
            $this->assertNull(get_post($made['product']));
        }
    }
}
