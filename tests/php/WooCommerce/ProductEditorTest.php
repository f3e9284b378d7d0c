<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\WooCommerce\CreditPackage;
use AipkitUsage\WooCommerce\ProductEditor;

/** The product box's validation and saving, the variation override and the products-list column. */
final class ProductEditorTest extends WooTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        require_once WC_ABSPATH . 'includes/admin/class-wc-admin-meta-boxes.php';
        \WC_Admin_Meta_Boxes::$meta_box_errors = [];
    }

    public function testValidAmountsAreCanonicalAndInvalidOnesRefused(): void
    {
        $this->assertSame('100.000000', CreditPackage::validate('100'));
        $this->assertSame('2.500000', CreditPackage::validate(' 2.5 '));
        $this->assertSame('0.000001', CreditPackage::validate('0.000001'));
        foreach (['0', '-1', '1.0000001', 'abc', '', '1e3', '100000000000000'] as $bad) {
            $r = CreditPackage::validate($bad);
            $this->assertInstanceOf(\WP_Error::class, $r, $bad);
            $this->assertStringContainsString('Credits Granted Per Quantity must be a number greater than 0', $r->get_error_message());
        }
    }

    public function testSavingTheBoxStoresTheFlagAndAmount(): void
    {
        $p = $this->plainProduct();
        $_POST = [CreditPackage::FLAG => 'yes', CreditPackage::CREDITS => '250'];
        ProductEditor::save($p);
        $p->save();
        $p = wc_get_product($p->get_id());
        $this->assertSame('yes', $p->get_meta(CreditPackage::FLAG));
        $this->assertSame('250.000000', $p->get_meta(CreditPackage::CREDITS));
        $this->assertSame([], \WC_Admin_Meta_Boxes::$meta_box_errors);
    }

    public function testAnInvalidAmountShowsAnErrorAndIsNotSaved(): void
    {
        $p = $this->creditProduct('100');
        $_POST = [CreditPackage::FLAG => 'yes', CreditPackage::CREDITS => '1.1234567'];
        ProductEditor::save($p);
        $p->save();
        $this->assertSame('100', wc_get_product($p->get_id())->get_meta(CreditPackage::CREDITS), 'the old amount stays');
        $this->assertCount(1, \WC_Admin_Meta_Boxes::$meta_box_errors);
        $this->assertStringContainsString('was not saved', \WC_Admin_Meta_Boxes::$meta_box_errors[0]);
    }

    public function testVariationBlankInheritsAndInvalidIsRefused(): void
    {
        $v = new \WC_Product_Variation();
        $v->update_meta_data(CreditPackage::CREDITS, '10');
        $_POST = [CreditPackage::CREDITS => [3 => '']];
        ProductEditor::save_variation($v, 3);
        $this->assertSame('', (string) $v->get_meta(CreditPackage::CREDITS));
        $_POST = [CreditPackage::CREDITS => [3 => 'lots']];
        ProductEditor::save_variation($v, 3);
        $this->assertSame('', (string) $v->get_meta(CreditPackage::CREDITS));
        $this->assertCount(1, \WC_Admin_Meta_Boxes::$meta_box_errors);
        $_POST = [CreditPackage::CREDITS => [3 => '12.5']];
        ProductEditor::save_variation($v, 3);
        $this->assertSame('12.500000', $v->get_meta(CreditPackage::CREDITS));
    }

    public function testProductsListColumnShowsTheAmount(): void
    {
        $cols = ProductEditor::columns(['cb' => '', 'name' => 'Name', 'price' => 'Price', 'date' => 'Date']);
        $this->assertSame(['cb', 'name', 'price', 'aipkit_credits', 'date'], array_keys($cols));
        $this->assertSame('AI credits', $cols['aipkit_credits']);
        $p = $this->creditProduct('2.5');
        ob_start();
        ProductEditor::column('aipkit_credits', $p->get_id());
        $this->assertSame('2.5', ob_get_clean());
        ob_start();
        ProductEditor::column('aipkit_credits', $this->plainProduct()->get_id());
        $this->assertSame('–', ob_get_clean());
    }
}
