<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\Prerequisites;
use AipkitUsage\Tests\TestCase;

/**
 * The preload variant of the php.ini fix, for real: a PHP web server (php -S, SAPI cli-server) started
 * with exactly the lines the notice prints — ffi.enable=preload, ffi.preload=lib/aipkit_core.preload.h,
 * opcache.preload=preload.php — from an unrelated working directory, answers a request that calls the
 * core through the preloaded Ffi class, while plain FFI in the same request is refused.
 */
final class PreloadTest extends TestCase
{
    public function testThePreloadVariantOfTheFixWorksInAWebSapi(): void
    {
        $header = Ffi::preload_header_path();
        $this->assertFileExists($header, 'bin/build-core writes the preload header');
        $lines = Prerequisites::fix_lines()['preload'];
        $this->assertContains('ffi.preload=' . Prerequisites::preload_header_path(), $lines);

        $docroot = sys_get_temp_dir() . '/aipkit-preload-' . getmypid();
        @mkdir($docroot);
        file_put_contents($docroot . '/probe.php', <<<'PHP'
<?php
// Not preloaded: only the preloaded AipkitUsage\Core\Ffi class may use FFI here.
$plain = 'allowed';
try {
    FFI::cdef('int abs(int);');
} catch (\Throwable $e) {
    $plain = get_class($e) . ': ' . $e->getMessage();
}
echo json_encode([
    'sapi' => PHP_SAPI,
    'availability' => AipkitUsage\Core\Ffi::availability(),
    'version' => AipkitUsage\Core\Ffi::instance()->call('version', []),
    'plain_ffi' => $plain,
]);
PHP);
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $ini = [];
        foreach ($lines as $line) {
            if (str_starts_with($line, 'opcache.preload_user=')) {
                $line = 'opcache.preload_user=' . (function_exists('posix_getpwuid') ? posix_getpwuid(posix_geteuid())['name'] : 'root');
            }
            array_push($ini, '-d', $line);
        }
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=ffi', '-d', 'zend_extension=opcache'], $ini,
            ['-d', 'opcache.enable_cli=1', '-S', "127.0.0.1:{$port}", '-t', $docroot]);
        // -n: no php.ini, so nothing but the printed lines enables FFI; Debian builds FFI and opcache as shared modules.
        $proc = proc_open($cmd, [1 => ['file', $docroot . '/server.log', 'a'], 2 => ['file', $docroot . '/server.log', 'a']], $pipes, $docroot);
        try {
            $body = false;
            for ($i = 0; $i < 50 && $body === false; $i++) {
                usleep(100000);
                $body = @file_get_contents("http://127.0.0.1:{$port}/probe.php");
            }
            $log = (string) @file_get_contents($docroot . '/server.log');
            $this->assertNotFalse($body, "server did not answer:\n{$log}");
            $r = json_decode($body, true);
            $this->assertIsArray($r, "not JSON:\n{$body}\n{$log}");
            $this->assertSame('cli-server', $r['sapi']);
            $this->assertNull($r['availability']);
            $this->assertSame(AIPKIT_USAGE_VERSION, $r['version']['version'], 'a real call through the preloaded scope');
            $this->assertStringContainsString('ffi.enable', $r['plain_ffi'], 'FFI outside the preloaded class stays refused');
        } finally {
            proc_terminate($proc);
            proc_close($proc);
            @unlink($docroot . '/probe.php');
            @unlink($docroot . '/server.log');
            @rmdir($docroot);
        }
    }
}
