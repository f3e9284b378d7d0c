<?php
namespace AipkitUsage\Tests\Infra;

use PHPUnit\Framework\TestCase;

/**
 * `npm start` (bin/start) in a wrong environment, for real: a busy web or database port, a MariaDB data
 * directory from another version or a broken one, a directory it may not write. Each gives exactly one
 * line on stderr, exit status 1, and leaves no process behind (no half-started site).
 * Runs bin/start with --no-deps --no-build in a private AIPKIT_LOCAL_DIR; needs no database.
 */
final class StartEnvironmentTest extends TestCase
{
    private string $dir;

    /** @var list<resource> */
    private array $listeners = [];

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/aipkit-start-env-' . getmypid() . '-' . bin2hex(random_bytes(3));
    }

    protected function tearDown(): void
    {
        foreach ($this->listeners as $l) {
            fclose($l);
        }
        // Anything still running from this directory is a failure (asserted in the tests); clean it anyway.
        foreach ($this->processesUsing($this->dir) as $pid) {
            posix_kill($pid, 9);
        }
        if (is_dir($this->dir)) {
            exec('rm -rf ' . escapeshellarg($this->dir));
        }
    }

    /** A port held open by this test, as another program would. */
    private function busyPort(): int
    {
        $l = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        $this->assertNotFalse($l, $errstr);
        $this->listeners[] = $l;
        return (int) substr(strrchr(stream_socket_get_name($l, false), ':'), 1);
    }

    private function freePort(): int
    {
        $l = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($l, false), ':'), 1);
        fclose($l);
        return $port;
    }

    /** @return array{int,string,string} exit status, stdout, stderr */
    private function start(array $env): array
    {
        $env += ['AIPKIT_LOCAL_DIR' => $this->dir, 'AIPKIT_PORT' => $this->freePort(), 'AIPKIT_DB_PORT' => $this->freePort()];
        $proc = proc_open(
            ['bash', dirname(__DIR__, 3) . '/bin/start', '--no-deps', '--no-build'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            array_map('strval', $env) + getenv()
        );
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), $out, $err];
    }

    /** @return list<int> pids whose command line mentions $dir */
    private function processesUsing(string $dir): array
    {
        $pids = [];
        foreach (glob('/proc/[0-9]*/cmdline') ?: [] as $f) {
            $cmd = @file_get_contents($f);
            if ($cmd !== false && $cmd !== '' && str_contains($cmd, $dir)) {
                $pids[] = (int) basename(dirname($f));
            }
        }
        return array_values(array_diff($pids, [getmypid()]));
    }

    private function assertRefused(array $result, string $expected, string $dir): void
    {
        [$rc, $out, $err] = $result;
        $this->assertSame(1, $rc, "exit status; stdout: {$out} stderr: {$err}");
        $lines = array_values(array_filter(explode("\n", $err), 'strlen'));
        $this->assertCount(1, $lines, "one line on stderr: {$err}");
        $this->assertStringStartsWith('error: ', $lines[0]);
        $this->assertStringContainsString($expected, $lines[0]);
        usleep(200000);
        $this->assertSame([], $this->processesUsing($dir), 'no process of a half-started site is left');
        $this->assertFileDoesNotExist($dir . '/php-server.pid');
    }

    public function testBusyWebPort(): void
    {
        $port = $this->busyPort();
        $this->assertRefused($this->start(['AIPKIT_PORT' => $port]), "port {$port} is in use", $this->dir);
        $this->assertDirectoryDoesNotExist($this->dir . '/mysql', 'refused before the database was touched');
    }

    public function testBusyDatabasePort(): void
    {
        $port = $this->busyPort();
        $this->assertRefused($this->start(['AIPKIT_DB_PORT' => $port]), "port {$port} is in use", $this->dir);
        $this->assertDirectoryDoesNotExist($this->dir . '/mysql');
    }

    public function testDataDirectoryFromAnotherMariadbVersion(): void
    {
        mkdir($this->dir . '/mysql', 0700, true);
        file_put_contents($this->dir . '/mysql/.aipkit-datadir', "10.3\n");
        $this->assertRefused($this->start([]), 'was created by MariaDB 10.3', $this->dir);
        $this->assertFileExists($this->dir . '/mysql/.aipkit-datadir', 'the old data is left alone');
    }

    public function testDataDirectoryNotMadeByTheTool(): void
    {
        mkdir($this->dir . '/mysql', 0700, true);
        file_put_contents($this->dir . '/mysql/ibdata1', 'not ours');
        $this->assertRefused($this->start([]), 'was not made by this tool', $this->dir);
        $this->assertStringEqualsFile($this->dir . '/mysql/ibdata1', 'not ours');
    }

    public function testBrokenDataDirectoryStopsTheServerItStarted(): void
    {
        mkdir($this->dir . '/mysql', 0700, true);
        $series = trim((string) shell_exec("mariadbd --version | sed -n 's/.*Ver \\([0-9]*\\.[0-9]*\\).*/\\1/p'"));
        $this->assertMatchesRegularExpression('/^\d+\.\d+$/', $series);
        file_put_contents($this->dir . '/mysql/.aipkit-datadir', $series . "\n");
        file_put_contents($this->dir . '/mysql/ibdata1', random_bytes(65536));
        $this->assertRefused($this->start([]), 'MariaDB failed to start', $this->dir);
    }

    public function testNoWritePermission(): void
    {
        // Root may write anywhere on a normal file system; /proc refuses everyone.
        $dir = '/proc/aipkit-start-env-' . getmypid();
        $this->assertRefused($this->start(['AIPKIT_LOCAL_DIR' => $dir]), "cannot create {$dir}", $dir);
    }
}
