<?php
namespace AipkitUsage\Tests;

use AipkitUsage\Tests\Support\Factory\Factory;
use PHPUnit\Framework\TestCase as PHPUnitTestCase;
use RuntimeException;
use WP_REST_Request;
use WP_REST_Response;
use WP_User;

/**
 * Base class for the WordPress integration tests.
 *
 * Each test runs inside START TRANSACTION … ROLLBACK, so whatever it writes through $wpdb is gone
 * afterwards. Transactions the plugin opens itself (START TRANSACTION/BEGIN/COMMIT/ROLLBACK through
 * $wpdb->query) become savepoints for the duration of the test: a real nested START TRANSACTION
 * would silently commit the test's transaction. Code that talks to mysqli directly bypasses this.
 *
 * Tests that need committed data (parallel processes cannot see an open transaction) override
 * transactional() to return false; their plugin tables are emptied and what factory() made (users,
 * posts, products, orders) is deleted in tearDown.
 */
abstract class TestCase extends PHPUnitTestCase
{
    private ?Factory $factory = null;
    private array $hooksBackup = [];
    private int $txDepth = 0;
    /** @var callable|null */
    private $txFilter = null;

    /** Override and return false for tests whose data must be committed (e.g. runParallel). */
    protected function transactional(): bool
    {
        return true;
    }

    protected function setUp(): void
    {
        parent::setUp();
        global $wpdb;
        $this->backupHooks();
        wp_cache_flush();
        wp_set_current_user(0);
        $wpdb->suppress_errors(false);
        $wpdb->show_errors(false);
        if ($this->transactional()) {
            $wpdb->query('START TRANSACTION');
            $this->txDepth = 0;
            $this->txFilter = function ($query) {
                return $this->rewriteTransactionStatement($query);
            };
            add_filter('query', $this->txFilter, PHP_INT_MIN);
        }
    }

    protected function tearDown(): void
    {
        global $wpdb;
        if ($this->transactional()) {
            remove_filter('query', $this->txFilter, PHP_INT_MIN);
            $wpdb->query('ROLLBACK');
        } else {
            self::resetPluginTables();
            $this->factory && $this->factory->cleanup();
        }
        $this->factory = null;
        $this->restoreHooks();
        wp_cache_flush();
        wp_set_current_user(0);
        $_GET = $_POST = $_REQUEST = [];
        unset($_SERVER['HTTP_X_WP_NONCE']);
        parent::tearDown();
    }

    private function rewriteTransactionStatement($query)
    {
        $q = strtoupper(rtrim(trim((string) $query), "; \t\n\r"));
        if ($q === 'START TRANSACTION' || $q === 'BEGIN' || $q === 'BEGIN WORK') {
            $this->txDepth++;
            return 'SAVEPOINT aipkit_test_sp' . $this->txDepth;
        }
        if (($q === 'COMMIT' || $q === 'COMMIT WORK') && $this->txDepth > 0) {
            return 'RELEASE SAVEPOINT aipkit_test_sp' . $this->txDepth--;
        }
        if (($q === 'ROLLBACK' || $q === 'ROLLBACK WORK') && $this->txDepth > 0) {
            // ROLLBACK TO keeps the savepoint; release it too so the depth stays in step.
            $sp = 'aipkit_test_sp' . $this->txDepth--;
            $GLOBALS['wpdb']->query('ROLLBACK TO SAVEPOINT ' . $sp);
            return 'RELEASE SAVEPOINT ' . $sp;
        }
        return $query;
    }

    // Filters and actions added by a test must not leak into the next one (as WordPress's own test suite does).
    private function backupHooks(): void
    {
        $this->hooksBackup = [
            'wp_filter' => array_map(static fn($hook) => clone $hook, $GLOBALS['wp_filter']),
            'wp_actions' => $GLOBALS['wp_actions'],
            'wp_current_filter' => $GLOBALS['wp_current_filter'],
        ];
    }

    private function restoreHooks(): void
    {
        if ($this->hooksBackup) {
            $GLOBALS['wp_filter'] = $this->hooksBackup['wp_filter'];
            $GLOBALS['wp_actions'] = $this->hooksBackup['wp_actions'];
            $GLOBALS['wp_current_filter'] = $this->hooksBackup['wp_current_filter'];
        }
    }

    // ------------------------------------------------------------------ users, posts, orders

    /**
     * Test factories, as in WordPress's own suite: $this->factory()->user->create(['role' => 'editor']),
     * ->page->create(['shortcode' => true]), ->product->create(['credits' => '100']),
     * ->order->create(['customer' => $id, 'items' => [[$product, 2]], 'status' => 'completed']);
     * create_many() and create_and_get() too (tests/php/Support/Factory).
     */
    protected function factory(): Factory
    {
        return $this->factory ??= new Factory(static::class);
    }

    /**
     * Creates a user with the given role(s) and returns its id. Extra roles are added on top of the first.
     *
     * @param string|string[] $roles
     */
    protected function createUser($roles = 'subscriber', array $fields = []): int
    {
        return $this->factory()->user->create(['role' => $roles] + $fields);
    }

    /** Makes $user the current user (id, WP_User, or 0/null for a visitor) and returns its id. */
    protected function actAs($user): int
    {
        $id = $user instanceof WP_User ? $user->ID : (int) $user;
        wp_set_current_user($id);
        return $id;
    }

    /** Same as actAs(): the name WordPress uses. */
    protected function setCurrentUser($user): int
    {
        return $this->actAs($user);
    }

    // ------------------------------------------------------------------ REST

    /** A valid REST nonce (action wp_rest) for the current user. */
    protected function restNonce(): string
    {
        return wp_create_nonce('wp_rest');
    }

    /**
     * Dispatches a REST request as the current user, through rest_do_request().
     *
     * $params: query parameters for GET/DELETE/HEAD, a JSON body otherwise (as apiFetch sends).
     * $nonce: null = no cookie authentication check (as for application passwords / internal calls);
     * a string = behave like a browser request with cookie auth and that X-WP-Nonce header: an invalid
     * nonce yields WordPress's 403 rest_cookie_invalid_nonce, like the real server.
     */
    protected function rest(string $method, string $route, array $params = [], ?string $nonce = null): WP_REST_Response
    {
        $method = strtoupper($method);
        $path = (string) parse_url($route, PHP_URL_PATH);
        $request = new WP_REST_Request($method, $path);
        $queryString = (string) parse_url($route, PHP_URL_QUERY);
        if ($queryString !== '') {
            parse_str($queryString, $query);
            $request->set_query_params($query);
        }
        if ($params) {
            if (in_array($method, ['GET', 'DELETE', 'HEAD'], true)) {
                $request->set_query_params(array_merge($request->get_query_params(), $params));
            } else {
                $request->set_header('Content-Type', 'application/json');
                $request->set_body(wp_json_encode($params));
            }
        }

        if ($nonce !== null) {
            // What rest_cookie_check_errors() does for a cookie-authenticated request, minus its header()
            // call (PHPUnit has already printed output). wp_verify_nonce() is the real check.
            $request->set_header('X-WP-Nonce', $nonce);
            if (!wp_verify_nonce($nonce, 'wp_rest')) {
                return rest_convert_error_to_response(
                    new \WP_Error('rest_cookie_invalid_nonce', __('Cookie check failed'), ['status' => 403])
                );
            }
        }
        $response = rest_do_request($request);
        // The same shape a client sees: embedded links resolved, errors as data.
        return rest_ensure_response($response);
    }

    /** The response's data as the client would decode it from JSON. */
    protected function restData(WP_REST_Response $response)
    {
        return json_decode(wp_json_encode(rest_get_server()->response_to_data($response, false)), true);
    }

    // ------------------------------------------------------------------ database

    /** Empties every plugin table ({prefix}aipkit_*). DML, so it does not end an open transaction. */
    public static function resetPluginTables(): void
    {
        global $wpdb;
        $like = $wpdb->esc_like($wpdb->prefix . 'aipkit_') . '%';
        $tables = $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $like));
        foreach ($tables as $table) {
            $wpdb->query('DELETE FROM `' . esc_sql($table) . '`');
        }
        wp_cache_flush();
    }

    // ------------------------------------------------------------------ parallel processes

    /**
     * Runs $phpFile in $procs separate PHP processes against the test site, released at the same
     * moment (each loads WordPress, then waits at a barrier), and returns each process's result in
     * process order.
     *
     * Inside $phpFile (included at global scope with WordPress loaded, FFI enabled):
     *   $aipkit_worker_index (0-based) and $aipkit_worker_args (the $args given here).
     * Its result is what it returns (JSON-encoded by the worker) or, if it returns nothing, what it
     * prints, which must then be JSON. A process that fails or prints non-JSON fails the test.
     *
     * The processes commit their work: call this from a test whose transactional() returns false,
     * and set up the data they need with committed writes.
     */
    public static function runParallel(string $phpFile, int $procs, array $args = [], int $timeoutSeconds = 120): array
    {
        if (!is_file($phpFile)) {
            throw new RuntimeException("runParallel: {$phpFile} does not exist");
        }
        if ($procs < 1) {
            throw new RuntimeException('runParallel: $procs must be at least 1');
        }
        $barrier = sys_get_temp_dir() . '/aipkit-barrier-' . getmypid() . '-' . bin2hex(random_bytes(4));
        $worker = __DIR__ . '/Support/parallel-worker.php';
        $env = getenv();
        $env['AIPKIT_WP_DIR'] = getenv('AIPKIT_TEST_WP_DIR');
        $running = [];
        try {
            for ($i = 0; $i < $procs; $i++) {
                $cmd = [PHP_BINARY, '-d', 'ffi.enable=' . ('0' === getenv('AIPKIT_FFI') ? '0' : '1'), '-d', 'memory_limit=256M', $worker,
                    realpath($phpFile), (string) $i, json_encode($args), $barrier];
                $pipes = [];
                $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
                if (!is_resource($proc)) {
                    throw new RuntimeException("runParallel: could not start process {$i}");
                }
                stream_set_blocking($pipes[1], false);
                stream_set_blocking($pipes[2], false);
                $running[$i] = ['proc' => $proc, 'out' => $pipes[1], 'err' => $pipes[2], 'stdout' => '', 'stderr' => ''];
            }

            $deadline = microtime(true) + $timeoutSeconds;
            $exit = [];
            // proc_get_status() reports the real exit code only once: record it the first time.
            $poll = static function () use (&$running, &$exit): void {
                foreach ($running as $i => &$r) {
                    $r['stdout'] .= (string) stream_get_contents($r['out']);
                    $r['stderr'] .= (string) stream_get_contents($r['err']);
                    if (!isset($exit[$i])) {
                        $st = proc_get_status($r['proc']);
                        if (!$st['running']) {
                            $exit[$i] = $st['exitcode'];
                        }
                    }
                }
            };
            // Wait for every process to be ready (or dead), then release them together.
            while (true) {
                $poll();
                $ready = count(glob($barrier . '.ready.*') ?: []);
                if ($ready + count($exit) >= $procs) {
                    break;
                }
                if (microtime(true) > $deadline) {
                    throw new RuntimeException('runParallel: processes did not get ready in time');
                }
                usleep(2000);
            }
            touch($barrier . '.go');

            $results = [];
            while (count($exit) < $procs) {
                $poll();
                if (microtime(true) > $deadline) {
                    throw new RuntimeException('runParallel: processes did not finish in time');
                }
                usleep(2000);
            }
            $poll();
            foreach ($running as $i => $r) {
                fclose($r['out']);
                fclose($r['err']);
                proc_close($r['proc']);
                unset($running[$i]);
                $decoded = json_decode(trim($r['stdout']), true);
                if ($exit[$i] !== 0 || (trim($r['stdout']) !== 'null' && $decoded === null)) {
                    throw new RuntimeException(sprintf(
                        "runParallel: process %d exited with %d\nstdout: %s\nstderr: %s",
                        $i, $exit[$i], substr($r['stdout'], 0, 2000), substr($r['stderr'], 0, 2000)
                    ));
                }
                $results[$i] = $decoded;
            }
            ksort($results);
            return $results;
        } finally {
            foreach ($running as $r) {
                @proc_terminate($r['proc'], 9);
            }
            foreach (glob($barrier . '*') ?: [] as $f) {
                @unlink($f);
            }
            wp_cache_flush();
        }
    }
}
