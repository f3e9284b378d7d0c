<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Admin\PrerequisiteNotice;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Core\Prerequisites;
use AipkitUsage\Health\SiteHealth;
use AipkitUsage\Plugin;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Tests\TestCase;

/**
 * The prerequisite check in every environment that matters. Environments a test process cannot
 * become (FFI off, library gone, other version) are injected as probe results; one real
 * subprocess with ffi.enable=0 proves the whole path without injection.
 */
final class PrerequisitesTest extends TestCase
{
    protected function tearDown(): void
    {
        Plugin::instance()->use_prerequisites(null);
        parent::tearDown();
    }

    public function testTheRealEnvironmentOfThisSuiteIsUsable(): void
    {
        $p = new Prerequisites();
        $this->assertNull($p->problem(), $p->message());
        $this->assertSame('', $p->message());
    }

    public function testFfiDisabledExplainsBothPhpIniFixes(): void
    {
        $p = new Prerequisites(['ffi_enable' => '0']);
        $this->assertSame('ffi_disabled', $p->problem()['code']);
        $msg = $p->message();
        $this->assertStringContainsString('ffi.enable=0', $msg);
        $this->assertStringContainsString("\n  ffi.enable=1", $msg);
        // Not aipkit_core.h: its relative FFI_LIB would resolve against the PHP process's working directory.
        $this->assertStringContainsString('ffi.preload=' . AIPKIT_USAGE_DIR . 'lib/aipkit_core.preload.h', $msg);
        $this->assertStringContainsString('opcache.preload=' . AIPKIT_USAGE_DIR . 'preload.php', $msg);
        $this->assertStringContainsString('opcache.preload_user=', $msg);
        $this->assertFileExists(AIPKIT_USAGE_DIR . 'preload.php');
        $this->assertMatchesRegularExpression('/^#define FFI_LIB "\//m', (string) file_get_contents(AIPKIT_USAGE_DIR . 'lib/aipkit_core.preload.h'),
            'bin/build-core wrote the preload header with an absolute FFI_LIB');
    }

    public function testPreloadModeBlocksWebRequestsUnlessPreloaded(): void
    {
        $web = new Prerequisites(['ffi_enable' => 'preload', 'sapi' => 'fpm-fcgi', 'opcache_preload' => '', 'ffi_preload' => '']);
        $this->assertSame('ffi_preload_only', $web->problem()['code']);
        $this->assertStringContainsString('ffi.enable=1', $web->message());

        $cli = new Prerequisites(['ffi_enable' => 'preload', 'sapi' => 'cli']);
        $this->assertNull($cli->problem(), 'the CLI may use FFI under ffi.enable=preload');

        $preloaded = new Prerequisites(['ffi_enable' => 'preload', 'sapi' => 'fpm-fcgi',
            'opcache_preload' => AIPKIT_USAGE_DIR . 'preload.php', 'ffi_preload' => AIPKIT_USAGE_DIR . 'aipkit_core.h']);
        $this->assertNotSame('ffi_preload_only', $preloaded->problem()['code'] ?? null);
    }

    public function testMissingLibraryNamesThePath(): void
    {
        $p = new Prerequisites(['library_path' => '/nonexistent/libaipkit_usage.so']);
        $this->assertSame('library_missing', $p->problem()['code']);
        $this->assertStringContainsString('/nonexistent/libaipkit_usage.so', $p->message());
    }

    public function testOtherFailures(): void
    {
        $this->assertSame('php_version', (new Prerequisites(['php_version' => '8.0.30']))->problem()['code']);
        $this->assertSame('ffi_missing', (new Prerequisites(['ffi_loaded' => false]))->problem()['code']);
        $abi = new Prerequisites(['core_availability' => static fn() => 'ABI version 2, plugin expects 1']);
        $this->assertSame('library_unusable', $abi->problem()['code']);
        $this->assertStringContainsString('ABI version 2, plugin expects 1', $abi->message());
        $old = new Prerequisites(['core_version' => static fn() => '0.0.9']);
        $this->assertSame('version_mismatch', $old->problem()['code']);
        $this->assertStringContainsString('0.0.9', $old->message());
        $this->assertStringContainsString(AIPKIT_USAGE_VERSION, $old->message());
    }

    public function testGatewayReturnsCoreUnavailableWhenPrerequisitesFail(): void
    {
        Plugin::instance()->use_prerequisites(new Prerequisites(['ffi_enable' => '0']));
        $result = Gateway::instance()->quote(['rules' => [], 'usage' => []]);
        $this->assertWPError($result, 'aipkit_core_unavailable');
        $this->assertSame(503, $result->get_error_data()['status']);
        $this->assertStringContainsString('ffi.enable=0', $result->get_error_message());

        Plugin::instance()->use_prerequisites(null);
        $this->assertSame(AIPKIT_USAGE_VERSION, Gateway::instance()->version()['version']);
    }

    public function testNoticeAndSiteHealthShowTheProblem(): void
    {
        Plugin::instance()->use_prerequisites(new Prerequisites(['ffi_enable' => '0']));
        $this->actAs($this->createUser('administrator'));
        ob_start();
        (new PrerequisiteNotice())->render();
        $html = ob_get_clean();
        $this->assertStringContainsString('notice-error', $html);
        $this->assertStringContainsString('ffi.enable=1', $html);
        $this->assertStringContainsString('opcache.preload=' . esc_html(AIPKIT_USAGE_DIR . 'preload.php'), $html);

        $health = (new SiteHealth())->core_test();
        $this->assertSame('critical', $health['status']);
        $this->assertStringContainsString('ffi.preload=' . esc_html(AIPKIT_USAGE_DIR . 'lib/aipkit_core.preload.h'), $health['description']);

        $this->actAs($this->createUser('subscriber'));
        ob_start();
        (new PrerequisiteNotice())->render();
        $this->assertSame('', ob_get_clean(), 'only admins who can fix it see the notice');

        Plugin::instance()->use_prerequisites(null);
        $this->assertSame('good', (new SiteHealth())->core_test()['status']);
        $this->assertSame('good', (new SiteHealth())->schema_test()['status']);
    }

    public function testActivationIsRefusedWithTheSameMessage(): void
    {
        Plugin::instance()->use_prerequisites(new Prerequisites(['library_path' => '/gone/libaipkit_usage.so']));
        update_option(Schema::OPTION, 'untouched');
        add_filter('wp_die_handler', static fn() => static function ($message) {
            throw new \RuntimeException('wp_die: ' . $message);
        }, PHP_INT_MAX);
        try {
            Plugin::activate(false);
            $this->fail('activation must be refused');
        } catch (\RuntimeException $e) {
            $this->assertStringContainsString('wp_die: ', $e->getMessage());
            $this->assertStringContainsString('/gone/libaipkit_usage.so', $e->getMessage());
        }
        $this->assertSame('untouched', get_option(Schema::OPTION), 'a refused activation installs nothing');
    }

    public function testARealProcessWithFfiDisabledShowsTheNoticeAndRefusesMetering(): void
    {
        $cmd = [PHP_BINARY, '-d', 'ffi.enable=0', __DIR__ . '/fixtures/ffi-disabled.php'];
        $env = getenv();
        $env['AIPKIT_WP_DIR'] = getenv('AIPKIT_TEST_WP_DIR');
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($proc), $out . $err);
        $result = json_decode(trim($out), true);
        $this->assertIsArray($result, $out . $err);
        $this->assertSame('0', $result['ini']);
        $this->assertStringContainsString('AI Puffer Usage cannot run:', $result['notice']);
        $this->assertStringContainsString('ffi.enable=1', $result['notice']);
        $this->assertSame('aipkit_core_unavailable', $result['gateway_error']);
        $this->assertSame(503, $result['gateway_status']);
        $this->assertFalse($result['routes_registered'], 'no metering routes when the core cannot run');
        $this->assertStringContainsString('ffi.enable=1', $result['activation']);
    }

    private function assertWPError($value, string $code): void
    {
        $this->assertInstanceOf(\WP_Error::class, $value);
        $this->assertSame($code, $value->get_error_code());
    }
}
