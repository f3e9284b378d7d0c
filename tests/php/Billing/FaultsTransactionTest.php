<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\Support\ConnectionKiller;
use AipkitUsage\Tests\TestCase;

/**
 * Every money operation commits whole or changes nothing, whatever statement the database
 * connection is lost before (issue 8 item 1).
 *
 * For each operation, a fault-free run gives the expected end state and answer and the number of
 * statements its transaction runs. Then, from the same starting state, the operation runs once per
 * statement index with the connection killed (KILL CONNECTION from a second connection) right
 * before that statement. Each time the operation must answer exactly what the fault-free run
 * answered (the retry on a new connection succeeds, and an answer is never "settled" without its
 * ledger row), leave exactly the fault-free end state (balances, ledger, holds, quota counters: no
 * half-applied unit, nothing applied twice), and reconcile clean.
 */
final class FaultsTransactionTest extends TestCase
{
    use BillingFixtures;

    private int $user = 0;
    private ?ConnectionKiller $killer = null;

    protected function transactional(): bool
    {
        return false; // a killed connection must really lose its transaction, not the test's
    }

    protected function setUp(): void
    {
        parent::setUp();
        update_option('aipkit_usage_settings', ['consumption_order' => 'quota_first']);
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1.25']);
        // A quota of 1 credit and quota first: each request holds 1 from the quota and 0.25 from the
        // balance, so every operation touches both the balance row and the quota counter.
        $this->quota(['user_limit' => '1', 'period' => 'daily']);
        $this->user = $this->createUser();
        $this->killer = new ConnectionKiller();
        // wpdb learns column lengths once per process (SHOW FULL COLUMNS); learn them now so every run
        // of an operation has the same statements.
        global $wpdb;
        foreach ([Tables::balances(), Tables::ledger(), Tables::holds(), Tables::counters()] as $t) {
            $wpdb->get_col_length($t, 'id');
        }
    }

    protected function tearDown(): void
    {
        $this->killer?->close();
        delete_option('aipkit_usage_settings');
        parent::tearDown();
    }

    /** @return array<string,array{0:callable,1:callable}> name => [prepare(): ctx, run(ctx): result] */
    private function operations(): array
    {
        $u = fn() => $this->user;
        $authorize = fn(string $rid) => aipkit_usage_authorize($this->request($u(), ['request_id' => $rid, 'estimate' => ['input_tokens' => 10]]));
        return [
            'authorize' => [
                static fn() => null,
                static fn() => $authorize('fault-authorize'),
            ],
            'settle' => [
                static fn() => $authorize('fault-settle'),
                static fn($hold) => aipkit_usage_settle($hold, ['input_tokens' => 10]),
            ],
            'release' => [
                static fn() => $authorize('fault-release'),
                static fn($hold) => aipkit_usage_release($hold),
            ],
            'adjust' => [
                static fn() => null,
                static fn() => aipkit_usage_adjust_balance($u(), '10.000000', '7.5', 'fault test'),
            ],
            'reset_quota' => [
                static function () use ($authorize) {
                    $hold = $authorize('fault-reset');
                    return aipkit_usage_settle($hold, ['input_tokens' => 10]);
                },
                static fn() => aipkit_usage_reset_quota($u(), 'chatbot'),
            ],
            'credit' => [
                static fn() => null,
                static fn() => Balances::credit($u(), '3.5', 'purchase', 'purchase:fault:1', ['note' => 'fault test']),
            ],
        ];
    }

    /** @dataProvider operationNames */
    public function testALostConnectionBeforeAnyStatementChangesNothingOrEverything(string $name): void
    {
        [$prepare, $run] = $this->operations()[$name];

        // Fault-free run: the expected answer and end state, and how many statements there are.
        $ctx = $this->startFrom($prepare);
        $this->killer->arm(0);
        $expected = $this->killer->around(fn() => $run($ctx));
        $this->assertIsArray($expected, $name . ' failed without a fault: ' . (is_wp_error($expected) ? $expected->get_error_message() : ''));
        $expectedState = $this->state();
        $statements = $this->killer->seen;
        $this->assertGreaterThanOrEqual(3, count($statements), "$name ran no transaction");
        $this->assertMatchesRegularExpression('/^COMMIT/i', trim((string) end($statements)), "$name: the unit must end in COMMIT");

        foreach ($statements as $index => $sql) {
            $ctx = $this->startFrom($prepare);
            $this->killer->arm($index);
            $result = $this->killer->around(fn() => $run($ctx));
            $where = sprintf('%s, connection killed before statement %d (%s)', $name, $index, substr(preg_replace('/\s+/', ' ', $sql), 0, 90));
            // Ids and generated keys differ from run to run; the statement's shape must not.
            $shape = static fn(string $q) => preg_replace('/[0-9a-f]{8}-[0-9a-f-]{27}|\d+/', 'N', $q);
            $this->assertSame([$shape($sql)], array_map($shape, $this->killer->killed), "$where: the fault was not injected");
            $this->assertIsArray($result, "$where: the retry must succeed, got " . (is_wp_error($result) ? $result->get_error_code() . ': ' . $result->get_error_message() : gettype($result)));
            $this->assertTruthful($result, $where);
            $this->assertSame($this->normal($expected), $this->normal($result), "$where: the answer differs from the fault-free one");
            $this->assertSame($expectedState, $this->state(), "$where: the end state differs from the fault-free one");
            $this->assertReconciled();
        }
    }

    /**
     * The hardest case: COMMIT succeeds but its answer is lost with the connection. The retry must
     * find the committed work and answer it, not apply it twice (adjust must not call it "stale",
     * reset must not zero usage again, credit reports its entry as a duplicate).
     *
     * @dataProvider operationNames
     */
    public function testACommitWhoseAnswerIsLostIsNotAppliedTwice(string $name): void
    {
        global $wpdb;
        [$prepare, $run] = $this->operations()[$name];
        $ctx = $this->startFrom($prepare);
        $expected = $this->killer->around(fn() => $run($ctx));
        $this->assertIsArray($expected);
        $expectedState = $this->state();

        $ctx = $this->startFrom($prepare);
        $killer = $this->killer;
        $lost = 0;
        add_filter('query', static function ($sql) use ($wpdb, $killer, &$lost) {
            if (0 === $lost && preg_match('/^\s*COMMIT\s*$/i', (string) $sql)) {
                ++$lost;
                $wpdb->dbh->query('COMMIT'); // the work is committed…
                $killer->kill();             // …and the connection dies before the answer arrives
            }
            return $sql;
        }, PHP_INT_MAX - 1);
        $result = $this->killer->around(fn() => $run($ctx));
        $this->assertSame(1, $lost, 'the fault was not injected');
        $this->assertIsArray($result, "$name: " . (is_wp_error($result) ? $result->get_error_code() . ': ' . $result->get_error_message() : ''));
        $this->assertTruthful($result, $name);
        if ('credit' === $name) {
            $this->assertTrue($result['duplicate'], 'the retry finds the committed purchase entry');
            $this->assertSame($expected['balance'], $result['balance']);
        } else {
            $this->assertSame($this->normal($expected), $this->normal($result), "$name: the answer differs from the fault-free one");
        }
        $this->assertSame($expectedState, $this->state(), "$name: applied twice or not at all");
        $this->assertReconciled();
    }

    public static function operationNames(): array
    {
        return array_map(static fn($n) => [$n], array_combine(
            ['authorize', 'settle', 'release', 'adjust', 'reset_quota', 'credit'],
            ['authorize', 'settle', 'release', 'adjust', 'reset_quota', 'credit']
        ));
    }

    /** A deadlock / Galera certification conflict reported at COMMIT (1213) is retried, not answered as an error. */
    public function testDeadlockAtCommitIsRetriedFromTheStart(): void
    {
        $ctx = $this->startFrom(fn() => aipkit_usage_authorize($this->request($this->user, ['request_id' => 'commit-1213', 'estimate' => ['input_tokens' => 10]])));
        $commits = 0;
        $injected = 0;
        // The server itself answers the COMMIT with error 1213, as a Galera node does after a
        // brute-force abort; the transaction is left for the code to roll back.
        add_filter('query', static function ($sql) use (&$commits, &$injected) {
            if (preg_match('/^\s*COMMIT\s*$/i', (string) $sql) && 1 === ++$commits) {
                ++$injected;
                return "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction (injected at COMMIT)'";
            }
            return $sql;
        }, PHP_INT_MAX - 1);
        $r = aipkit_usage_settle($ctx, ['input_tokens' => 10]);
        $this->assertSame(1, $injected, 'the COMMIT fault was not injected');
        $this->assertIsArray($r, is_wp_error($r) ? $r->get_error_code() . ': ' . $r->get_error_message() : '');
        $this->assertSame('settled', $r['status']);
        $this->assertSame(2, $commits, 'the unit must run again and commit once');
        $this->assertTruthful($r, 'settle after 1213 at COMMIT');
        $usage = array_values(array_filter($this->ledgerRows($this->user), static fn($l) => 'usage' === $l['kind']));
        $this->assertCount(1, $usage, 'exactly one usage entry');
        $this->assertSame(['balance' => '9.750000', 'held' => '0.000000', 'available' => '9.750000', 'uncovered' => '0.000000'], aipkit_usage_balance($this->user));
        $this->assertReconciled();
    }

    /** When every attempt fails, the caller gets a clear 503 and nothing changes. */
    public function testRetriesRunningOutAnswerBusyAndChangeNothing(): void
    {
        $ctx = $this->startFrom(fn() => aipkit_usage_authorize($this->request($this->user, ['request_id' => 'always-1213', 'estimate' => ['input_tokens' => 10]])));
        $before = $this->state();
        $commits = 0;
        add_filter('query', static function ($sql) use (&$commits) {
            if (preg_match('/^\s*COMMIT\s*$/i', (string) $sql)) {
                ++$commits;
                return "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction'";
            }
            return $sql;
        }, PHP_INT_MAX - 1);
        $r = aipkit_usage_settle($ctx, ['input_tokens' => 10]);
        $this->assertWPError($r);
        $this->assertSame('aipkit_busy', $r->get_error_code());
        $this->assertSame(503, $r->get_error_data()['status']);
        $this->assertStringContainsString('try again', $r->get_error_message());
        $this->assertGreaterThan(1, $commits, 'retried before giving up');
        $this->assertSame($before, $this->state(), 'nothing changed');
        $this->assertReconciled();
    }

    /**
     * A plain wpdb call inside a unit that finds the connection gone reconnects silently; the unit's
     * transaction died with the old connection, so the next checked statement must not continue on
     * the new one (it would commit on its own): the unit starts over.
     */
    public function testAUnitWhoseConnectionWasReplacedStartsOver(): void
    {
        global $wpdb;
        $this->startFrom(fn() => null);
        $t = Tables::balances();
        $u = $this->user;
        $attempts = 0;
        $killer = $this->killer;
        $r = $killer->around(static function () use ($wpdb, $t, $u, &$attempts, $killer) {
            return \AipkitUsage\Billing\Transaction::run(static function () use ($wpdb, $t, $u, &$attempts, $killer) {
                ++$attempts;
                \AipkitUsage\Billing\Transaction::query($wpdb->prepare("UPDATE $t SET balance = balance + 5 WHERE user_id = %d", $u)); // phpcs:ignore
                if (1 === $attempts) {
                    $killer->kill();
                    $wpdb->get_var('SELECT 1'); // wpdb notices the dead connection and opens a new one
                }
                \AipkitUsage\Billing\Transaction::query($wpdb->prepare("UPDATE $t SET held = held + 1 WHERE user_id = %d", $u)); // phpcs:ignore
                return 'done';
            });
        });
        $this->assertSame('done', $r);
        $this->assertSame(2, $attempts, 'the unit ran again from its start');
        // Both changes exactly once: nothing from the dead attempt, nothing committed on its own.
        $this->assertSame(['balance' => '15.000000', 'held' => '1.000000', 'available' => '14.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
    }

    /**
     * A unit inside a unit is a savepoint: its WP_Error undoes only its own part, and a lost
     * connection inside it starts the outermost unit over (the savepoint died with the transaction).
     */
    public function testNestedUnitsUseSavepointsAndRetryTheOutermostUnit(): void
    {
        global $wpdb;
        $this->startFrom(fn() => null);
        $t = Tables::balances();
        $u = $this->user;
        $outer = $inner = 0;
        $killer = $this->killer;
        $tx = \AipkitUsage\Billing\Transaction::class;
        $r = $killer->around(static function () use ($wpdb, $t, $u, &$outer, &$inner, $killer, $tx) {
            return $tx::run(static function () use ($wpdb, $t, $u, &$outer, &$inner, $killer, $tx) {
                ++$outer;
                $tx::query($wpdb->prepare("UPDATE $t SET balance = balance + 1 WHERE user_id = %d", $u)); // phpcs:ignore
                $refused = $tx::run(static function () use ($wpdb, $t, $u, $tx) {
                    $tx::query($wpdb->prepare("UPDATE $t SET balance = balance + 100 WHERE user_id = %d", $u)); // phpcs:ignore
                    return new \WP_Error('nope', 'undo my part only');
                });
                $kept = $tx::run(static function () use ($wpdb, $t, $u, &$inner, $killer, $tx) {
                    ++$inner;
                    $tx::query($wpdb->prepare("UPDATE $t SET held = held + 2 WHERE user_id = %d", $u)); // phpcs:ignore
                    if (1 === $inner) {
                        $killer->kill();
                    }
                    $tx::query($wpdb->prepare("UPDATE $t SET held = held + 1 WHERE user_id = %d", $u)); // phpcs:ignore
                    return 'inner';
                });
                return [is_wp_error($refused) ? $refused->get_error_code() : 'no error', $kept];
            });
        });
        $this->assertSame(['nope', 'inner'], $r);
        $this->assertSame(2, $outer, 'the lost connection inside the savepoint restarted the outer unit');
        $this->assertSame(2, $inner);
        $this->assertSame(['balance' => '11.000000', 'held' => '3.000000', 'available' => '8.000000', 'uncovered' => '0.000000'], aipkit_usage_balance($u));
    }

    /** A value longer than its column is refused (as wpdb::insert does), never cut silently; nothing changes. */
    public function testAValueTooLongForItsColumnIsRefusedAndChangesNothing(): void
    {
        $this->startFrom(fn() => null);
        $before = $this->state();
        $r = Balances::credit($this->user, '5', 'purchase', 'purchase:too-long', ['note' => str_repeat('x', 70000)]);
        $this->assertInstanceOf(\WP_Error::class, $r);
        $this->assertSame('aipkit_db_error', $r->get_error_code());
        $this->assertStringContainsString('note', $r->get_error_data()['detail']);
        $this->assertSame($before, $this->state());
        $this->assertReconciled();
    }

    /** The hook of interfaces §1: fired before each checked statement, counting from 1 per attempt. */
    public function testStatementHookCountsEachAttemptFromOne(): void
    {
        $ctx = $this->startFrom(fn() => null);
        $seen = [];
        add_action('aipkit_usage_tx_statement', static function (int $i, string $sql) use (&$seen) {
            $seen[] = [$i, strtoupper(strtok(trim($sql), ' '))];
        }, 10, 2);
        $this->killer->arm(3);
        $r = $this->killer->around(fn() => Balances::credit($this->user, '1', 'purchase', 'purchase:hook:1'));
        $this->assertIsArray($r);
        $this->assertSame([1, 'START'], $seen[0]);
        $starts = array_keys(array_filter($seen, static fn($s) => $s[0] === 1));
        $this->assertCount(2, $starts, 'the retry counts from 1 again');
        // The killed attempt reached statement 3 and no further; the retry ran to COMMIT.
        $this->assertSame([1, 2, 3], array_column(array_slice($seen, 0, $starts[1]), 0));
        $this->assertSame('COMMIT', end($seen)[1]);
        unset($ctx);
    }

    // ------------------------------------------------------------------ helpers

    private function assertWPError($r): void
    {
        $this->assertInstanceOf(\WP_Error::class, $r);
    }

    /** Fresh money tables, a funded user, then the operation's own preparation (fault-free). */
    private function startFrom(callable $prepare)
    {
        global $wpdb;
        $this->killer->arm(0);
        foreach ([Tables::balances(), Tables::ledger(), Tables::holds(), Tables::counters(), Tables::ledger_rollup(), Tables::ledger_days()] as $t) {
            $wpdb->query("DELETE FROM $t"); // phpcs:ignore
        }
        wp_cache_flush();
        $f = Balances::credit($this->user, '10', 'purchase', 'purchase:fault:funding');
        $this->assertIsArray($f);
        $ctx = $prepare();
        $this->assertFalse(is_wp_error($ctx), is_wp_error($ctx) ? $ctx->get_error_message() : '');
        return $ctx;
    }

    /** Everything money-related, without ids and timestamps (auto-increment values survive rollbacks). */
    private function state(): array
    {
        global $wpdb;
        $q = static fn(string $sql) => $wpdb->get_results($sql, ARRAY_A); // phpcs:ignore
        return [
            'balances' => $q('SELECT user_id, balance, held FROM ' . Tables::balances() . ' ORDER BY user_id'),
            'ledger' => $q('SELECT kind, user_id, subject, amount, quota_amount, uncovered, balance_after, module, note, order_id FROM ' . Tables::ledger() . ' ORDER BY id'),
            'holds' => $q('SELECT request_id, user_id, status, hold_balance, hold_quota FROM ' . Tables::holds() . ' ORDER BY id'),
            'counters' => $q('SELECT subject, scope, period_key, used, held FROM ' . Tables::counters() . ' ORDER BY subject, scope, period_key'),
        ];
    }

    private function normal($result)
    {
        if (!is_array($result)) {
            return $result;
        }
        foreach (['hold_id', 'ledger_id', 'expires_at', 'id', 'created_at', 'reset_at'] as $k) {
            if (array_key_exists($k, $result)) {
                $result[$k] = null === $result[$k] ? null : '(id)';
            }
        }
        return array_map(fn($v) => $this->normal($v), $result);
    }

    /** The answer names rows that exist and agree with it: no "settled" without its ledger row. */
    private function assertTruthful(array $result, string $where): void
    {
        global $wpdb;
        $ledgerIds = array_filter(array_merge([$result['ledger_id'] ?? null], array_column($result['reset'] ?? [], 'ledger_id')));
        foreach ($ledgerIds as $id) {
            $row = $wpdb->get_row($wpdb->prepare('SELECT * FROM ' . Tables::ledger() . ' WHERE id = %d', $id), ARRAY_A);
            $this->assertNotNull($row, "$where: answered ledger entry #$id, which does not exist");
            $this->assertSame($this->user, (int) $row['user_id'], "$where: ledger entry #$id belongs to another user");
            if (isset($result['balance_debit'])) {
                $this->assertSame('-' . ltrim($result['balance_debit'], '-'), $row['amount'], "$where: ledger amount vs answered debit");
            }
        }
        if (($result['status'] ?? '') === 'settled') {
            $this->assertNotEmpty($result['ledger_id'], "$where: settled without a ledger entry");
        }
        if (isset($result['hold_id'])) {
            $status = $wpdb->get_var($wpdb->prepare('SELECT status FROM ' . Tables::holds() . ' WHERE id = %d', $result['hold_id']));
            $this->assertNotNull($status, "$where: answered hold #{$result['hold_id']}, which does not exist");
            if (in_array($result['status'] ?? '', ['settled', 'released'], true)) {
                $this->assertSame($result['status'], $status, "$where: the hold's stored status vs the answer");
            }
        }
    }
}
