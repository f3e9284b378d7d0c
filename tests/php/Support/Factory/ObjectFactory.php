<?php
namespace AipkitUsage\Tests\Support\Factory;

use RuntimeException;

/**
 * Base of the test factories, in the spirit of WordPress's WP_UnitTest_Factory_For_Thing:
 * create() returns the new id, create_many() several, create_and_get() the object. Every factory
 * goes through the real WordPress/WooCommerce API and remembers what it made, so a test whose data
 * is committed (transactional() false) gets it deleted in tearDown; the others roll it back.
 */
abstract class ObjectFactory
{
    /** @var int[] ids made by this factory during the current test */
    protected array $created = [];
    /** process-wide, so names stay unique from one test to the next */
    private static int $sequence = 0;

    /** @return int the new object's id */
    abstract protected function make(array $args): int;

    /** @return mixed the object for an id (WP_User, WP_Post, WC_Product, WC_Order) */
    abstract public function get(int $id);

    /** Deletes one object this factory made (only called for committed, non-transactional tests). */
    abstract protected function delete(int $id): void;

    public function create(array $args = []): int
    {
        $id = $this->make($args);
        $this->created[] = $id;
        return $id;
    }

    /** @return int[] */
    public function create_many(int $count, array $args = []): array
    {
        $ids = [];
        for ($i = 0; $i < $count; $i++) {
            $ids[] = $this->create($args);
        }
        return $ids;
    }

    public function create_and_get(array $args = [])
    {
        return $this->get($this->create($args));
    }

    /** Deletes what this factory made, newest first, and forgets it. */
    public function cleanup(): void
    {
        foreach (array_reverse($this->created) as $id) {
            $this->delete($id);
        }
        $this->created = [];
    }

    /**
     * A name unique across tests and parallel runs sharing the committed test database: the test
     * class, the process and a counter, e.g. "user_1a2b3c_4242_7".
     */
    protected function unique(string $prefix, string $testClass): string
    {
        self::$sequence++;
        return sprintf('%s_%s_%d_%d', $prefix, substr(md5($testClass), 0, 6), getmypid(), self::$sequence);
    }

    /** @param int|\WP_Error $id */
    protected static function check($id, string $what): int
    {
        if (is_wp_error($id) || !$id) {
            throw new RuntimeException($what . ' failed: ' . (is_wp_error($id) ? $id->get_error_message() : 'no id'));
        }
        return (int) $id;
    }
}
