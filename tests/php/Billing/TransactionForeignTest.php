<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Transaction;
use AipkitUsage\Tests\TestCase;

/**
 * Transaction::foreign: a write that goes through wpdb inside a unit (as WooCommerce's order notes
 * do) is kept only when the unit survived it. Here the foreign write rolls the unit back once, as a
 * deadlock inside wpdb would (wpdb only records the error): the stray row it committed alone is
 * undone, the unit runs again, and the end state has the unit's row and the foreign row once each.
 */
final class TransactionForeignTest extends TestCase
{
    private string $table;

    protected function transactional(): bool
    {
        return false; // the unit's own COMMIT and ROLLBACK must be real
    }

    protected function setUp(): void
    {
        parent::setUp();
        global $wpdb;
        $this->table = $wpdb->prefix . 'aipkit_test_foreign';
        $wpdb->query("CREATE TABLE IF NOT EXISTS {$this->table} (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20) NOT NULL) ENGINE=InnoDB");
        $wpdb->query("DELETE FROM {$this->table}");
    }

    protected function tearDown(): void
    {
        global $wpdb;
        $wpdb->query("DROP TABLE IF EXISTS {$this->table}");
        parent::tearDown();
    }

    public function testAForeignWriteThatEndsTheUnitIsUndoneAndTheUnitRunsAgain(): void
    {
        global $wpdb;
        $t = $this->table;
        $attempts = 0;
        $undone = [];
        $r = Transaction::run(function () use ($wpdb, $t, &$attempts, &$undone) {
            ++$attempts;
            $mine = Transaction::insert($t, ['what' => 'unit'], ['%s']);
            $foreign = Transaction::foreign(
                function () use ($wpdb, $t, $attempts) {
                    if (1 === $attempts) {
                        // What InnoDB does to the whole transaction on a deadlock inside wpdb's statement.
                        $wpdb->query('ROLLBACK');
                    }
                    $wpdb->insert($t, ['what' => 'foreign']);
                    return (int) $wpdb->insert_id;
                },
                $wpdb->prepare("SELECT id FROM $t WHERE id = %d", $mine),
                function (int $id) use ($wpdb, $t, &$undone) {
                    $undone[] = $id;
                    $wpdb->delete($t, ['id' => $id]);
                }
            );
            return [$mine, $foreign];
        });
        $this->assertIsArray($r, is_wp_error($r) ? $r->get_error_message() : '');
        $this->assertSame(2, $attempts, 'the unit ran again after the foreign write ended it');
        $this->assertCount(1, $undone, 'the stray foreign row of the first attempt was undone');
        $rows = $wpdb->get_results("SELECT id, what FROM $t ORDER BY id", ARRAY_A);
        $this->assertSame([['id' => (string) $r[0], 'what' => 'unit'], ['id' => (string) $r[1], 'what' => 'foreign']], $rows);
    }

    public function testASurvivedForeignWriteCommitsWithTheUnit(): void
    {
        global $wpdb;
        $t = $this->table;
        $r = Transaction::run(function () use ($wpdb, $t) {
            $mine = Transaction::insert($t, ['what' => 'unit'], ['%s']);
            Transaction::foreign(
                fn() => $wpdb->insert($t, ['what' => 'foreign']),
                $wpdb->prepare("SELECT id FROM $t WHERE id = %d", $mine),
                fn() => $this->fail('nothing to undo')
            );
            // The unit fails after the foreign write: both go.
            return new \WP_Error('later', 'a later step refused');
        });
        $this->assertInstanceOf(\WP_Error::class, $r);
        $this->assertSame('later', $r->get_error_code());
        $this->assertSame('0', $wpdb->get_var("SELECT COUNT(*) FROM $t"), 'the foreign write rolled back with the unit');
    }
}
