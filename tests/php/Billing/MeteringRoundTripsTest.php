<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 13, Measure: a metered request's database round trips. Counted, never timed: the session's
 * Questions counter (every statement the connection sent, whoever sent it); the statements
 * themselves are captured through the `query` filter for the failure message.
 *
 * Also the guarantees the cuts must keep: a caller's open transaction is still joined with a
 * savepoint (never committed) when it was opened behind wpdb's back right after one of our units
 * committed, and the cached Galera flag is asked again on a new connection.
 */
final class MeteringRoundTripsTest extends TestCase
{
    use BillingFixtures;

    /** @var string[] */
    private array $sent = [];

    protected function transactional(): bool
    {
        return false; // the units' own START TRANSACTION and COMMIT must be real
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->rule(['usage_type' => 'chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        add_filter('query', [$this, 'capture'], PHP_INT_MAX);
    }

    /** @internal the `query` filter */
    public function capture($sql)
    {
        $this->sent[] = preg_replace('/\s+/', ' ', substr((string) $sql, 0, 400));
        return $sql;
    }

    private function questions(): int
    {
        global $wpdb;
        return (int) $wpdb->dbh->query("SHOW SESSION STATUS LIKE 'Questions'")->fetch_row()[1];
    }

    /** A funded user whose first request has warmed the caches (WP_User, column lengths, core constants). */
    private function warmUser(): int
    {
        $u = $this->createUser();
        $this->fund($u, '100');
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame('held', $h['status'] ?? null, wp_json_encode($h));
        $s = aipkit_usage_settle($h, ['input_tokens' => 10, 'output_tokens' => 10]);
        $this->assertSame('settled', $s['status'] ?? null, wp_json_encode($s));
        return $u;
    }

    public function testAMeteredRequestIsTwelveStatementsWithTwoCommits(): void
    {
        $u = $this->warmUser();
        $req = $this->request($u);
        $this->sent = [];
        $before = $this->questions();
        $h = aipkit_usage_authorize($req);
        $s = aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300]);
        $n = $this->questions() - $before - 1; // less the SHOW STATUS that read it
        $this->assertSame('settled', $s['status'] ?? null, wp_json_encode($s));
        $list = implode("\n", $this->sent);
        // authorize: replay/expired look-up (also answers @@in_transaction), START, balance + counters
        // locked by one UNION, UPDATE balance, INSERT hold, COMMIT; settle: START, hold + balance locked
        // by one join, INSERT ledger, INSERT rollup, UPDATE balance + hold, COMMIT.
        $this->assertSame(12, $n, "statements of one authorize + settle:\n$list");
        $this->assertSame(2, substr_count($list, 'COMMIT'), $list);
        $this->assertStringNotContainsString('@@', implode("\n", array_slice($this->sent, 1)), 'nothing asks the connection state again');
        // The balance after the charge comes from the core, not from a read-back, and is still exact.
        $this->assertSame(aipkit_usage_balance($u)['balance'], $s['balance_after']);
        $row = $this->ledgerRows($u);
        $this->assertSame($s['balance_after'], end($row)['balance_after']);
        $this->assertReconciled();
    }

    /**
     * Release after authorize: START, hold + balance by the same join as settle, the balance's held,
     * the hold, COMMIT (the counters, holding nothing, are left alone).
     */
    public function testAReleaseIsFiveStatements(): void
    {
        $u = $this->warmUser();
        $this->sent = [];
        $before = $this->questions();
        $h = aipkit_usage_authorize($this->request($u));
        $r = aipkit_usage_release($h);
        $n = $this->questions() - $before - 1;
        $this->assertSame('released', $r['status'] ?? null, wp_json_encode($r));
        $this->assertSame(6 + 5, $n, "statements of one authorize + release:\n" . implode("\n", $this->sent));
        $this->assertSame('0.000000', aipkit_usage_balance($u)['held']);
        $this->assertReconciled();
    }

    public function testAStatementBetweenTheUnitsMakesTheNextOneAskOnlyWhetherATransactionIsOpen(): void
    {
        global $wpdb;
        $u = $this->warmUser();
        $h = aipkit_usage_authorize($this->request($u));
        $wpdb->get_var('SELECT 1'); // anything at all on the connection
        $this->sent = [];
        aipkit_usage_settle($h, ['input_tokens' => 1]);
        $this->assertSame('SELECT @@in_transaction', $this->sent[0] ?? null, implode("\n", $this->sent));
        $this->assertStringNotContainsString('wsrep', implode("\n", $this->sent), 'the Galera flag is known for this connection');
    }

    public function testANewConnectionIsAskedForItsGaleraFlagAgain(): void
    {
        global $wpdb;
        $u = $this->warmUser();
        $h = aipkit_usage_authorize($this->request($u));
        $thread = $wpdb->dbh->thread_id;
        $wpdb->close();
        $wpdb->db_connect();
        $this->assertNotSame($thread, $wpdb->dbh->thread_id, 'a new connection');
        $this->sent = [];
        $s = aipkit_usage_settle($h, ['input_tokens' => 1]);
        $this->assertSame('settled', $s['status'] ?? null, wp_json_encode($s));
        $this->assertStringContainsString('@@wsrep_on', $this->sent[0] ?? '', implode("\n", $this->sent));
    }

    /**
     * Opened on the mysqli handle itself, right after our COMMIT: wpdb and the query filter never see
     * it, but the connection sent it, so the unit asks and joins it instead of committing it.
     *
     * @dataProvider callerTransactions
     */
    public function testACallersTransactionOpenedAfterOurCommitIsJoinedAndNeverCommitted(string $how): void
    {
        global $wpdb;
        $u = $this->warmUser();
        $h = aipkit_usage_authorize($this->request($u));
        $this->assertSame('held', $h['status'] ?? null);
        $ledger = count($this->ledgerRows($u));
        $balance = aipkit_usage_balance($u);
        if ('begin_transaction' === $how) {
            $wpdb->dbh->begin_transaction();
        } else {
            $wpdb->dbh->query('START TRANSACTION');
        }
        $wpdb->dbh->query($wpdb->prepare("INSERT INTO {$wpdb->options} (option_name, option_value, autoload) VALUES (%s, 'caller', 'no')", 'aipkit_test_caller_tx'));
        $this->sent = [];
        $s = aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300]);
        $this->assertSame('settled', $s['status'] ?? null, wp_json_encode($s));
        $list = implode("\n", $this->sent);
        $this->assertStringContainsString('SAVEPOINT', $list);
        $this->assertStringNotContainsString('START TRANSACTION', $list);
        $this->assertStringNotContainsString('COMMIT', $list);
        $wpdb->dbh->query('ROLLBACK');
        // The caller's work and ours went together: nothing was committed behind the caller's back.
        $this->assertNull($wpdb->get_var("SELECT option_value FROM {$wpdb->options} WHERE option_name = 'aipkit_test_caller_tx'"));
        $this->assertCount($ledger, $this->ledgerRows($u));
        $this->assertSame($balance, aipkit_usage_balance($u));
        $this->assertSame('held', $wpdb->get_var($wpdb->prepare('SELECT status FROM ' . Tables::holds() . ' WHERE id = %d', $h['hold_id'])));
    }

    public static function callerTransactions(): array
    {
        return ['START TRANSACTION on the handle' => ['query'], 'mysqli::begin_transaction' => ['begin_transaction']];
    }

    /** authorize learns the state from its replay look-up: a caller's transaction is seen there. */
    public function testAnAuthorizeInsideACallersTransactionIsJoined(): void
    {
        global $wpdb;
        $u = $this->warmUser();
        $ledger = count($this->ledgerRows($u));
        $wpdb->dbh->query('START TRANSACTION');
        $this->sent = [];
        $req = $this->request($u);
        $h = aipkit_usage_authorize($req);
        $this->assertSame('held', $h['status'] ?? null, wp_json_encode($h));
        $list = implode("\n", $this->sent);
        $this->assertStringContainsString('@@in_transaction', $this->sent[0] ?? '', $list);
        $this->assertStringContainsString('SAVEPOINT', $list);
        $this->assertStringNotContainsString('START TRANSACTION', $list);
        $wpdb->dbh->query('ROLLBACK');
        $this->assertNull($wpdb->get_var($wpdb->prepare('SELECT id FROM ' . Tables::holds() . ' WHERE request_id = %s', $req['request_id'])));
        $this->assertCount($ledger, $this->ledgerRows($u));
        $this->assertSame('0.000000', aipkit_usage_balance($u)['held']);
    }

    /**
     * A guest under a quota rule: the replay look-up (with its expired holds and @@in_transaction),
     * START, counters, their UPDATE, the hold, COMMIT; settle: START, hold (no balance), the room left,
     * the counters' UPDATE, ledger, rollup, the hold's result, COMMIT.
     */
    public function testAGuestRequestUnderAQuotaRuleIsFourteenStatements(): void
    {
        $this->quota(['guest_limit' => '50', 'period' => 'weekly']);
        $_SERVER['REMOTE_ADDR'] = '192.0.2.73';
        unset($_COOKIE['aipkit_guest']);
        $h = aipkit_usage_authorize($this->request(0));
        $this->assertSame('held', $h['status'] ?? null, wp_json_encode($h));
        aipkit_usage_settle($h, ['input_tokens' => 10]); // the first request created the period's counters
        $this->sent = [];
        $before = $this->questions();
        $h = aipkit_usage_authorize($this->request(0));
        $s = aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300]);
        $n = $this->questions() - $before - 1;
        $this->assertSame('settled', $s['status'] ?? null, wp_json_encode($s));
        $this->assertSame(14, $n, "statements of one guest authorize + settle:\n" . implode("\n", $this->sent));
        unset($_COOKIE['aipkit_guest']);
    }

    /** A guest's settle has no balance row: the hold alone is written, and balance_after stays null. */
    public function testAGuestSettleWritesTheHoldAloneAndHasNoBalanceAfter(): void
    {
        global $wpdb;
        $this->quota(['guest_limit' => '5', 'period' => 'weekly']);
        $_SERVER['REMOTE_ADDR'] = '192.0.2.72';
        unset($_COOKIE['aipkit_guest']);
        $h = aipkit_usage_authorize($this->request(0));
        $this->assertSame('held', $h['status'] ?? null, wp_json_encode($h));
        $s = aipkit_usage_settle($h, ['input_tokens' => 800, 'output_tokens' => 300]);
        $this->assertSame('settled', $s['status'] ?? null, wp_json_encode($s));
        $this->assertNull($s['balance_after']);
        $this->assertSame('0.000000', $s['balance_debit']);
        $this->assertSame('1.400000', $s['quota_count']);
        $this->assertSame('settled', $wpdb->get_var($wpdb->prepare('SELECT status FROM ' . Tables::holds() . ' WHERE id = %d', $h['hold_id'])));
        $this->assertReconciled();
    }
}
