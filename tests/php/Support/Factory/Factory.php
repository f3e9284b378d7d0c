<?php
namespace AipkitUsage\Tests\Support\Factory;

/**
 * What TestCase::factory() returns: one factory per kind of object, like WP_UnitTest_Factory
 * ($this->factory()->user->create([...])). product and order need WooCommerce on the test stack.
 */
final class Factory
{
    public UserFactory $user;
    public PostFactory $post;
    public PostFactory $page;
    public ProductFactory $product;
    public OrderFactory $order;

    public function __construct(string $testClass)
    {
        $this->user = new UserFactory($testClass);
        $this->post = new PostFactory('post');
        $this->page = new PostFactory('page');
        $this->product = new ProductFactory();
        $this->order = new OrderFactory();
    }

    /** Deletes everything made, dependants first: orders, products, posts, users. */
    public function cleanup(): void
    {
        foreach ([$this->order, $this->product, $this->page, $this->post, $this->user] as $factory) {
            $factory->cleanup();
        }
    }
}
