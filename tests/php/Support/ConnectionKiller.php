<?php
namespace AipkitUsage\Tests\Support;

use RuntimeException;

/**
 * Drops the site's database connection right before the Nth statement of a money transaction, the
 * way a crashed proxy, a restarted server or a network cut would: a second connection runs
 * `KILL CONNECTION <id>` on it. Nothing is simulated; the server really closes the connection and
 * rolls back whatever that connection had not committed.
 *
 * Statements are counted through WordPress's `query` filter, which every statement passes through
 * (wpdb's own, and Transaction's checked ones): from the START TRANSACTION of a unit (index 1) to its
 * COMMIT or ROLLBACK, including wpdb reads made inside the unit. The same count therefore works on
 * any implementation of the transaction code, which is how the test was checked against the old one.
 */
final class ConnectionKiller
{
    private \mysqli $admin;
    private $filter;
    private $errorHandlerSet = false;
    private int $target = 0;
    private bool $inUnit = false;
    private int $index = 0;
    private int $units = 0;
    /** @var string[] statements of the first unit seen (with the index they had) */
    public array $seen = [];
    /** @var string[] statements the connection was killed before */
    public array $killed = [];

    public function __construct()
    {
        global $wpdb;
        [$host, $port, $socket] = $wpdb->parse_db_host(DB_HOST);
        $this->admin = new \mysqli($host ?: 'localhost', DB_USER, DB_PASSWORD, '', (int) $port ?: 3306, $socket ?: null);
        $this->filter = function ($sql) {
            $this->observe((string) $sql);
            return $sql;
        };
        add_filter('query', $this->filter, PHP_INT_MAX);
    }

    /**
     * Kills the connection right before statement $index of the first unit the next operation runs
     * (0 = observe only). Later units and the retry are left alone: one fault per operation.
     */
    public function arm(int $index): void
    {
        $this->target = $index;
        $this->inUnit = false;
        $this->index = 0;
        $this->units = 0;
        $this->seen = [];
        $this->killed = [];
    }

    /**
     * Runs $op with PHP's connection warnings silenced (production logs them; PHPUnit would turn
     * them into exceptions in the middle of a transaction) and returns its result.
     */
    public function around(callable $op)
    {
        set_error_handler(static function (int $no, string $msg): bool {
            return str_contains($msg, 'mysqli') || str_contains($msg, 'MySQL server has gone away') || str_contains($msg, 'Error while');
        }, E_WARNING | E_NOTICE);
        try {
            return $op();
        } finally {
            restore_error_handler();
        }
    }

    public function close(): void
    {
        remove_filter('query', $this->filter, PHP_INT_MAX);
        $this->admin->close();
    }

    private function observe(string $sql): void
    {
        $q = strtoupper(trim($sql));
        if (str_starts_with($q, 'START TRANSACTION')) {
            $this->inUnit = true;
            $this->index = 0;
            ++$this->units;
        }
        if (!$this->inUnit) {
            return;
        }
        ++$this->index;
        if (1 === $this->units) {
            $this->seen[$this->index] = $sql;
            if ($this->index === $this->target) {
                $this->kill();
                $this->killed[] = $sql;
            }
        }
        if (str_starts_with($q, 'COMMIT') || str_starts_with($q, 'ROLLBACK')) {
            $this->inUnit = false;
        }
    }

    /** Kills the site's current connection now (the caller's next statement on it fails). */
    public function kill(): void
    {
        global $wpdb;
        $dbh = $wpdb->dbh;
        if (!$dbh instanceof \mysqli) {
            throw new RuntimeException('ConnectionKiller: wpdb has no mysqli connection');
        }
        $id = (int) $dbh->thread_id;
        $this->admin->query('KILL CONNECTION ' . $id);
        // KILL returns once the victim is flagged; wait until it is really gone so the next statement
        // cannot slip through on it.
        for ($i = 0; $i < 200; $i++) {
            $r = $this->admin->query('SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ' . $id);
            if ('0' === (string) $r->fetch_row()[0]) {
                return;
            }
            usleep(5000);
        }
        throw new RuntimeException("ConnectionKiller: connection {$id} survived KILL");
    }
}
