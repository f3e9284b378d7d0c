<?php
namespace AipkitUsage\Tests\WooCommerce;

use AipkitUsage\Billing\Reconciler;
use AipkitUsage\Tests\Support\ConnectionKiller;
use AipkitUsage\WooCommerce\Grants;

/**
 * A grant's ledger entry and its order note share one unit. Whatever statement of it the database
 * connection is lost before (wpdb's note statements included: wpdb reconnects and would write the note
 * alone), the grant happens once, with exactly one "Granted" note naming the entry that exists.
 */
final class GrantFaultsTest extends WooTestCase
{
    private ?ConnectionKiller $killer = null;

    protected function transactional(): bool
    {
        return false; // a killed connection must really lose its transaction, not the test's
    }

    protected function tearDown(): void
    {
        $this->killer?->close();
        parent::tearDown();
    }

    public function testALostConnectionAtAnyStatementOfTheGrantGrantsOnceWithOneNote(): void
    {
        $product = $this->creditProduct('100');
        $alice = $this->customer('wc_fault');
        $this->killer = new ConnectionKiller();
        $grant = function (int $index) use ($alice, $product): array {
            $order = $this->order($alice, [[$product, 1]]);
            $this->killer->arm($index);
            $r = $this->killer->around(fn() => Grants::grant(wc_get_order($order->get_id())));
            wp_cache_flush();
            return [$order->get_id(), $r];
        };

        // Fault-free: the unit's statements, the note's among them, ending in COMMIT.
        $grant(0);
        $statements = $this->killer->seen;
        $this->assertMatchesRegularExpression('/^COMMIT/i', trim((string) end($statements)));
        $this->assertNotEmpty(preg_grep('/^\s*INSERT INTO `?\w*comments`?/i', $statements), 'the order note is written inside the unit');

        $killed = [];
        foreach ($statements as $index => $sql) {
            [$order_id, $r] = $grant($index);
            $where = sprintf('connection killed before statement %d (%s)', $index, substr(preg_replace('/\s+/', ' ', (string) ($this->killer->killed[0] ?? 'none')), 0, 80));
            // WordPress reads a post or comment back only when its cache misses: later runs may send fewer
            // statements, so the kill is checked over all runs below.
            $killed = array_merge($killed, $this->killer->killed);
            $entries = $this->kinds($order_id, 'purchase');
            $this->assertCount(1, $entries, "$where: one purchase entry");
            $this->assertCount(1, $r['granted'], "$where: reported granted once");
            $this->assertSame((int) $entries[0]['id'], $r['granted'][0]['ledger_id'], $where);
            $notes = array_values(preg_grep('/^Granted 100 AI credits/', $this->notes($order_id)));
            $this->assertSame(['Granted 100 AI credits to wc_fault, ledger #' . $entries[0]['id'] . '.'], $notes, "$where: one note, naming the entry");
        }
        $this->assertNotEmpty(preg_grep('/^\s*INSERT INTO `?\w*comments`?/i', $killed), 'killed before the note was written');
        $this->assertNotEmpty(preg_grep('/^\s*INSERT INTO `?\w*aipkit_ledger`?\s/i', $killed), 'killed before the entry was written');
        $this->assertNotEmpty(preg_grep('/^\s*SELECT id FROM \w*aipkit_ledger WHERE id = /i', $killed), 'killed before the check');
        $this->assertNotEmpty(preg_grep('/^\s*COMMIT/i', $killed), 'killed before COMMIT');
        $this->assertSame((100 * (count($statements) + 1)) . '.000000', $this->balance($alice));
        $this->assertTrue(Reconciler::run()['ok'], 'ledger = balance');
    }
}
