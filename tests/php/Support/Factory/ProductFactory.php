<?php
namespace AipkitUsage\Tests\Support\Factory;

use AipkitUsage\WooCommerce\CreditPackage;

/**
 * Published simple WooCommerce products through WC_Product_Simple::save(). With 'credits' the
 * product is a credit package (the product box's flag and amount); without, a plain product.
 * Other keys: 'name', 'price' (regular price, default 10.00), 'virtual' (default: true for credit
 * packages), 'downloadable'.
 *   $this->factory()->product->create(['credits' => '100', 'price' => '9.99'])
 */
final class ProductFactory extends ObjectFactory
{
    protected function make(array $args): int
    {
        $credits = $args['credits'] ?? null;
        $p = new \WC_Product_Simple();
        $p->set_name($args['name'] ?? (null !== $credits ? $credits . ' AI credits' : 'Product ' . (count($this->created) + 1)));
        $p->set_status('publish');
        $p->set_virtual($args['virtual'] ?? (null !== $credits));
        $p->set_downloadable($args['downloadable'] ?? false);
        $p->set_regular_price($args['price'] ?? '10.00');
        if (null !== $credits) {
            $p->update_meta_data(CreditPackage::FLAG, 'yes');
            $p->update_meta_data(CreditPackage::CREDITS, $credits);
        }
        return self::check($p->save(), 'creating a product');
    }

    /** @return \WC_Product */
    public function get(int $id)
    {
        return wc_get_product($id);
    }

    protected function delete(int $id): void
    {
        ($p = wc_get_product($id)) && $p->delete(true);
    }
}
