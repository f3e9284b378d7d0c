<?php
namespace AipkitUsage\Tests\Multisite;

use AipkitUsage\Schema\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * The plugin on a real subdirectory multisite network (database aipkit_test_ms, .local/test-multisite;
 * named after the suite's database by bin/test-php: AIPKIT_TEST_MS_DB, AIPKIT_TEST_MS_DIR).
 * The network is installed once per run by bin/php/install-multisite.php (main site, site 2, then
 * network activation); every check runs in its own PHP process that boots WordPress as that network,
 * so this PHPUnit process stays the single-site test install.
 *
 * The tests share the network and run in file order; the uninstall test is last because it
 * removes the plugin.
 */
final class NetworkTest extends TestCase
{
    private static string $dir = '';

    public static function setUpBeforeClass(): void
    {
        parent::setUpBeforeClass();
        $root = dirname(__DIR__, 3);
        $local = getenv('AIPKIT_LOCAL_DIR') ?: $root . '/.local';
        // bin/test-php names both after the suite's database (a run on another database has its own).
        self::$dir = getenv('AIPKIT_TEST_MS_DIR') ?: $local . '/test-multisite';
        $name = getenv('AIPKIT_TEST_MS_DB') ?: 'aipkit_test_ms';
        if (!preg_match('/^aipkit_test[a-z0-9_]*$/', $name)) {
            throw new \RuntimeException("AIPKIT_TEST_MS_DB must start with aipkit_test: {$name}");
        }
        self::mustRun(['bash', $root . '/bin/test-php', '--prepare-multisite'], []);
        $db = new \mysqli('localhost', 'root', '', '', 0, $local . '/mysql.sock');
        $db->query('DROP DATABASE IF EXISTS `' . $name . '`');
        $db->query('CREATE DATABASE `' . $name . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
        $db->close();
        self::mustRun([PHP_BINARY, $root . '/bin/php/install-multisite.php'], ['AIPKIT_MS_SITES' => 'site2']);
    }

    /** @return array{0:int,1:string} exit code, stdout + stderr */
    private static function exec(array $cmd, array $env): array
    {
        $env = array_merge(getenv(), ['AIPKIT_WP_DIR' => self::$dir], $env);
        unset($env['AIPKIT_MS_SINGLE']);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), $out . $err];
    }

    private static function mustRun(array $cmd, array $env): string
    {
        [$rc, $out] = self::exec($cmd, $env);
        if ($rc !== 0) {
            throw new \RuntimeException(implode(' ', $cmd) . " failed ({$rc}):\n{$out}");
        }
        return $out;
    }

    /** Runs a fixture with the network loaded and returns the JSON it printed last. */
    private function inNetwork(string $fixture, string ...$args): array
    {
        $root = dirname(__DIR__, 3);
        [$rc, $out] = self::exec(array_merge([PHP_BINARY, '-d', 'ffi.enable=' . ('0' === getenv('AIPKIT_FFI') ? '0' : '1'), $root . '/bin/php/run-with-wp.php', __DIR__ . '/fixtures/' . $fixture], $args), []);
        $this->assertSame(0, $rc, "{$fixture} failed:\n{$out}");
        $lines = array_values(array_filter(explode("\n", trim($out)), static fn($l) => str_starts_with($l, '{')));
        $this->assertNotEmpty($lines, "{$fixture} printed no JSON:\n{$out}");
        return json_decode(end($lines), true, 512, JSON_THROW_ON_ERROR);
    }

    private function assertInstalled(array $site, string $label): void
    {
        $expected = Tables::NAMES;
        sort($expected);
        $tables = $site['tables'];
        sort($tables);
        $this->assertSame(array_map(static fn($n) => 'aipkit_' . $n, $expected), $tables, "{$label}: every table, under its own prefix");
        $this->assertSame(\AipkitUsage\Schema\Schema::VERSION, $site['db_version'], "{$label}: schema version recorded");
        $this->assertContains('aipkit_view_usage', $site['admin_caps'], "{$label}: administrators get the capabilities");
        $this->assertContains('aipkit_manage_settings', $site['admin_caps'], $label);
    }

    public function testNetworkActivationInstallsEverySite(): void
    {
        $state = $this->inNetwork('state.php');
        $this->assertSame([1, 2], array_keys($state));
        $this->assertSame('wp_', $state[1]['prefix']);
        $this->assertSame('wp_2_', $state[2]['prefix']);
        $this->assertInstalled($state[1], 'main site');
        $this->assertInstalled($state[2], 'site 2 (existed before activation)');
    }

    public function testASiteCreatedLaterGetsItsTablesAndDeletingItDropsThem(): void
    {
        $id = $this->inNetwork('create-site.php', 'later')['site_id'];
        $this->assertGreaterThan(2, $id);
        $this->assertInstalled($this->inNetwork('state.php', (string) $id)[$id], 'site created after activation');

        $this->assertSame(['deleted' => $id], $this->inNetwork('delete-site.php', (string) $id));
        $state = $this->inNetwork('state.php');
        $this->assertArrayNotHasKey($id, $state);
        $db = $this->inNetwork('state.php', (string) $id)[$id];
        $this->assertSame([], $db['tables'], 'the deleted site\'s tables were dropped with it');
        $this->assertInstalled($state[2], 'other sites keep theirs');
    }

    public function testEachSiteHasItsOwnRulesAndBalances(): void
    {
        $r = $this->inNetwork('billing.php', '2');
        $this->assertSame('ok', $r['created']);
        $this->assertSame('ok', $r['adjusted']);
        $this->assertSame(0, $r['main_before']['rules']);
        $this->assertSame('0.000000', $r['main']['balance'], 'site 2\'s balance is not visible on the main site');
        $this->assertSame(0, $r['main']['rules'], 'site 2\'s pricing rule is not visible on the main site');
        $this->assertNotSame($r['site']['quote_rule'], $r['main']['quote_rule'], 'the main site does not price with site 2\'s rule');
        $this->assertSame(1, $r['site']['rules']);
        $this->assertSame('25.500000', $r['site']['balance']);
        $this->assertIsInt($r['site']['quote_rule'], 'site 2 prices with its own rule even after the main site was asked first');
        $this->assertSame('1.400000', $r['site']['credits']);
    }

    public function testUninstallCleansEverySiteAndDropsTablesOnlyWhereOptedIn(): void
    {
        $this->assertSame(['active' => false], $this->inNetwork('arrange-uninstall.php', '2'));
        $after = $this->inNetwork('uninstall.php');
        $this->assertSame([1 => false, 2 => false], $after['events'], 'scheduled aipkit_usage_ events gone on every site');
        $this->assertNull($after['network_option'], 'network options aipkit_usage_* gone');

        $state = $this->inNetwork('state.php');
        foreach ([1, 2] as $id) {
            $this->assertSame([], $state[$id]['options'], "site {$id}: no aipkit_usage_ option or transient left");
            $this->assertSame([], $state[$id]['admin_caps'], "site {$id}: capabilities removed");
        }
        $this->assertCount(count(Tables::NAMES) - count(\AipkitUsage\Uninstaller::PERSONAL_TABLES), $state[1]['tables'],
            'the main site did not opt in: its financial records stay (conversation logs always go)');
        $this->assertSame([], $state[2]['tables'], 'site 2 opted in: its tables are dropped');
    }
}
