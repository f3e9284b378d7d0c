<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Admin\PrerequisiteNotice;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Core\Prerequisites;
use AipkitUsage\Health\SiteHealth;
use AipkitUsage\Plugin;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Settings;
use AipkitUsage\Tests\TestCase;

/**
 * The backend choice and the prerequisite check in every environment that matters (docs/core.md):
 * FFI when the SAPI allows it, else the PHP core; only old or 32-bit PHP (or no backend at all)
 * stops the plugin. Environments a test process cannot become (FFI off, library gone or damaged,
 * 32-bit PHP) are injected as probe results; one real subprocess with ffi.enable=0 proves the whole
 * path without injection.
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
        $this->assertSame('0' === getenv('AIPKIT_FFI') ? 'php' : 'ffi', $p->backend());
        $this->assertSame($p->backend(), aipkit_usage_backend());
    }

    public function testFfiDisabledRunsThePhpCoreAndExplainsHowToEnableFfi(): void
    {
        $p = new Prerequisites(['ffi_enable' => '0']);
        $this->assertNull($p->problem(), 'no FFI is no longer a reason to stop');
        $this->assertSame('php', $p->backend());
        $this->assertSame('ffi_disabled', $p->ffi_problem()['code']);
        $html = $p->enable_ffi_html();
        $this->assertStringContainsString('ffi.enable=0', $html);
        $this->assertStringContainsString('ffi.enable=1', $html);
        // Not aipkit_core.h: its relative FFI_LIB would resolve against the PHP process's working directory.
        $this->assertStringContainsString('ffi.preload=' . esc_html(AIPKIT_USAGE_DIR . 'lib/aipkit_core.preload.h'), $html);
        $this->assertStringContainsString('opcache.preload=' . esc_html(AIPKIT_USAGE_DIR . 'preload.php'), $html);
        $this->assertFileExists(AIPKIT_USAGE_DIR . 'preload.php');
        $this->assertMatchesRegularExpression('/^#define FFI_LIB "\//m', (string) file_get_contents(AIPKIT_USAGE_DIR . 'lib/aipkit_core.preload.h'),
            'bin/build-core wrote the preload header with an absolute FFI_LIB');
    }

    public function testPreloadModeKeepsWebRequestsOnThePhpCoreUnlessPreloaded(): void
    {
        $web = new Prerequisites(['ffi_enable' => 'preload', 'sapi' => 'fpm-fcgi', 'opcache_preload' => '', 'ffi_preload' => '']);
        $this->assertSame('ffi_preload_only', $web->ffi_problem()['code']);
        $this->assertSame('php', $web->backend());

        if ('0' !== getenv('AIPKIT_FFI')) { // the library really loads only where this process has FFI
            $cli = new Prerequisites(['ffi_enable' => 'preload', 'sapi' => 'cli']);
            $this->assertNull($cli->ffi_problem(), 'the CLI may use FFI under ffi.enable=preload');
        }

        $preloaded = new Prerequisites(['ffi_enable' => 'preload', 'sapi' => 'fpm-fcgi',
            'opcache_preload' => AIPKIT_USAGE_DIR . 'preload.php', 'ffi_preload' => AIPKIT_USAGE_DIR . 'aipkit_core.h']);
        $this->assertNotSame('ffi_preload_only', $preloaded->ffi_problem()['code'] ?? null);
    }

    public function testMissingOrDamagedLibraryFallsBackToThePhpCore(): void
    {
        $p = new Prerequisites(['ffi_enable' => '1', 'library_path' => '/nonexistent/libaipkit_usage.so']);
        $this->assertSame('library_missing', $p->ffi_problem()['code']);
        $this->assertStringContainsString('/nonexistent/libaipkit_usage.so', $p->ffi_problem()['reason']);
        $this->assertSame(['php', null], [$p->backend(), $p->problem()]);

        $damaged = new Prerequisites(['ffi_enable' => '1', 'library_check' => 'The core library x.so is 65536 bytes but was built as 699312 bytes (truncated or replaced: a partial upload?); reinstall the plugin.']);
        $this->assertSame('library_damaged', $damaged->ffi_problem()['code']);
        $this->assertSame(['php', null], [$damaged->backend(), $damaged->problem()]);
    }

    public function testOnlyOldOr32BitPhpOrNoBackendStopThePlugin(): void
    {
        $this->assertSame('php_version', (new Prerequisites(['php_version' => '8.0.30']))->problem()['code']);
        $bits = new Prerequisites(['int_size' => 4]);
        $this->assertSame('php_32bit', $bits->problem()['code']);
        $this->assertStringContainsString('64-bit PHP', $bits->message());
        $none = new Prerequisites(['ffi_enable' => '0', 'php_core_availability' => static fn() => 'The PHP core /x/core.php is missing.']);
        $this->assertSame('no_backend', $none->problem()['code']);
        $this->assertStringContainsString('/x/core.php is missing', $none->message());
        $this->assertStringContainsString('ffi.enable=0', $none->message());

        // FFI-specific failures only move the plugin to the PHP core.
        $this->assertSame('ffi_missing', (new Prerequisites(['ffi_loaded' => false]))->ffi_problem()['code']);
        $abi = new Prerequisites(['ffi_enable' => '1', 'core_availability' => static fn() => 'ABI version 2, plugin expects 1']);
        $this->assertSame(['library_unusable', 'php', null], [$abi->ffi_problem()['code'], $abi->backend(), $abi->problem()]);
        $old = new Prerequisites(['ffi_enable' => '1', 'core_availability' => static fn() => null, 'core_version' => static fn() => '0.0.9']);
        $this->assertSame('version_mismatch', $old->ffi_problem()['code']);
        $this->assertStringContainsString('0.0.9', $old->ffi_problem()['reason']);
    }

    public function testABackendCanBeForced(): void
    {
        $this->assertSame('php', (new Prerequisites(['forced_backend' => 'php']))->backend());
        $forced = new Prerequisites(['forced_backend' => 'ffi', 'ffi_enable' => '0']);
        $this->assertSame('ffi', $forced->backend());
        $this->assertSame('ffi_disabled', $forced->problem()['code'], 'a forced FFI that cannot load is reported, not silently replaced');

        $this->assertSame('auto', Prerequisites::forced_backend());
        $this->assertIsArray(Settings::update(['core_backend' => 'php']));
        $this->assertSame('php', Prerequisites::forced_backend());
        $this->assertSame('php', (new Prerequisites())->backend());
        $this->assertSame('aipkit_invalid_setting', Settings::update(['core_backend' => 'wasm'])->get_error_code());
    }

    public function testTheGatewayAnswersAlikeOnBothBackends(): void
    {
        $request = ['rules' => [['id' => 3, 'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'per_1k_tokens', 'input_rate' => '1.5', 'output_rate' => '2']],
            'usage' => ['usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'input_tokens' => 1234, 'output_tokens' => 56]];
        $answers = [];
        foreach (['ffi', 'php'] as $backend) {
            if ('ffi' === $backend && '0' === getenv('AIPKIT_FFI')) {
                continue;
            }
            Plugin::instance()->use_prerequisites(new Prerequisites(['forced_backend' => $backend]));
            $this->assertSame($backend, aipkit_usage_backend());
            $answers[$backend] = [
                Gateway::instance()->quote($request),
                Gateway::instance()->price($request['rules'], $request['usage']),
                Gateway::instance()->admit(['estimate' => 'x', 'balance_available' => '1', 'quota_remaining' => '1', 'order' => 'balance_first'])->get_error_code(),
            ];
        }
        $this->assertSame('1.963000', $answers['php'][0]['credits']);
        $this->assertSame('1.963000', $answers['php'][1]['credits']);
        $this->assertSame('aipkit_invalid_amount', $answers['php'][2]);
        if (isset($answers['ffi'])) {
            $this->assertSame($answers['ffi'], $answers['php']);
        }
    }

    public function testGatewayReturnsCoreUnavailableWhenNoBackendCanRun(): void
    {
        Plugin::instance()->use_prerequisites(new Prerequisites(['ffi_enable' => '0', 'php_core_availability' => static fn() => 'The PHP core /x/core.php is missing.']));
        $result = Gateway::instance()->quote(['rules' => [], 'usage' => []]);
        $this->assertWPError($result, 'aipkit_core_unavailable');
        $this->assertSame(503, $result->get_error_data()['status']);
        $this->assertStringContainsString('/x/core.php is missing', $result->get_error_message());

        Plugin::instance()->use_prerequisites(null);
        $this->assertSame(AIPKIT_USAGE_VERSION, Gateway::instance()->version()['version']);
    }

    public function testNoticeAndSiteHealth(): void
    {
        $this->actAs($this->createUser('administrator'));
        // FFI off: no error notice, Site Health is good, names the PHP core, its speed and how to enable FFI.
        Plugin::instance()->use_prerequisites(new Prerequisites(['ffi_enable' => '0']));
        ob_start();
        (new PrerequisiteNotice())->render();
        $this->assertSame('', ob_get_clean());
        $health = (new SiteHealth())->core_test();
        $this->assertSame('good', $health['status']);
        $this->assertStringContainsString('runs as PHP', $health['label']);
        $this->assertMatchesRegularExpression('/Backend: php\. Measured now: [\d.,]+ µs per admission decision, [\d.,]+ µs per price\./', $health['description']);
        $this->assertStringContainsString('ffi.enable=1', $health['description']);

        // A damaged library: a warning notice says the plugin runs its PHP core and why.
        Plugin::instance()->use_prerequisites(new Prerequisites(['ffi_enable' => '1', 'library_check' => 'The core library x.so does not match its build checksum (corrupt file); reinstall the plugin.']));
        ob_start();
        (new PrerequisiteNotice())->render();
        $html = ob_get_clean();
        $this->assertStringContainsString('notice-warning', $html);
        $this->assertStringContainsString('built-in PHP core', $html);
        $this->assertStringContainsString('does not match its build checksum', $html);

        // Nothing can run: an error notice and a critical Site Health result.
        Plugin::instance()->use_prerequisites(new Prerequisites(['int_size' => 4]));
        ob_start();
        (new PrerequisiteNotice())->render();
        $this->assertStringContainsString('notice-error', ob_get_clean());
        $this->assertSame('critical', (new SiteHealth())->core_test()['status']);

        $this->actAs($this->createUser('subscriber'));
        ob_start();
        (new PrerequisiteNotice())->render();
        $this->assertSame('', ob_get_clean(), 'only admins who can fix it see the notice');

        Plugin::instance()->use_prerequisites(null);
        $this->assertSame('good', (new SiteHealth())->core_test()['status']);
        $this->assertSame('good', (new SiteHealth())->schema_test()['status']);
    }

    public function testActivationIsRefusedOnlyFor32BitPhp(): void
    {
        $this->assertTrue((new Prerequisites(['ffi_enable' => '0']))->is_met(), 'activation proceeds without FFI');
        Plugin::instance()->use_prerequisites(new Prerequisites(['int_size' => 4]));
        update_option(Schema::OPTION, 'untouched');
        add_filter('wp_die_handler', static fn() => static function ($message) {
            throw new \RuntimeException('wp_die: ' . $message);
        }, PHP_INT_MAX);
        try {
            Plugin::activate(false);
            $this->fail('activation must be refused');
        } catch (\RuntimeException $e) {
            $this->assertStringContainsString('wp_die: ', $e->getMessage());
            $this->assertStringContainsString('64-bit PHP', $e->getMessage());
        }
        $this->assertSame('untouched', get_option(Schema::OPTION), 'a refused activation installs nothing');
    }

    public function testARealProcessWithFfiDisabledRunsThePhpCore(): void
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
        $this->assertSame([], $result['doing_it_wrong_at_load'], 'loading without FFI must not translate before init (a notice on every request)');
        $this->assertSame('php', $result['backend']);
        $this->assertTrue($result['met']);
        $this->assertStringNotContainsString('cannot run', $result['notice']);
        $this->assertSame(AIPKIT_USAGE_VERSION, $result['version']);
        $this->assertSame('1.400000', $result['price']);
        $this->assertTrue($result['routes_registered'], 'metering routes exist without FFI');
        $this->assertSame('good', $result['health_status']);
        $this->assertStringContainsString('ffi.enable=1', $result['health']);
    }

    private function assertWPError($value, string $code): void
    {
        $this->assertInstanceOf(\WP_Error::class, $value);
        $this->assertSame($code, $value->get_error_code());
    }
}
