<?php
use AipkitUsage\Core\CoreException;
use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\LibraryCheck;
use AipkitUsage\Core\PhpCore;
use PHPUnit\Framework\TestCase;

/**
 * The generated PHP core as a backend: lazy single instantiation, traps become internal_error,
 * no warning and FFI's answers under opcache with JIT off, function JIT and a configured tracing JIT
 * (which PhpCore switches off for the request: PHP 8.2's tracing JIT miscomputes this code), and the
 * native library check that sends a
 * damaged library to this backend instead of crashing PHP.
 */
final class PhpCoreTest extends TestCase {
	private static function php( string $ini, string $code, ?string &$stderr = null ): string {
		$boot = var_export( __DIR__ . '/bootstrap.php', true );
		$cmd  = PHP_BINARY . ' -n -d extension=ffi -d zend_extension=opcache ' . $ini . ' -d error_reporting=-1 -d display_errors=stderr -d log_errors=0 -r ' . escapeshellarg( 'require ' . $boot . '; ' . $code );
		$proc = proc_open( $cmd, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes );
		$out    = stream_get_contents( $pipes[1] );
		$stderr = stream_get_contents( $pipes[2] );
		proc_close( $proc );
		return (string) $out;
	}

	public function testTheModuleIsInstantiatedLazilyAndOncePerRequest(): void {
		$code = 'echo class_exists("\\\\AipkitUsage\\\\Generated\\\\CoreWasm", false) ? "loaded" : "lazy", " ";'
			. '$c = \AipkitUsage\Core\PhpCore::instance(); echo \AipkitUsage\Core\PhpCore::$instantiations, " ";'
			. 'for ($i = 0; $i < 30; $i++) { $c->call("admit", ["estimate" => "1.4", "balance_available" => "3", "quota_remaining" => "10", "order" => "balance_first"]); $c->price_text("chat\tx\ty\t3\t\t\t"); }'
			. 'echo \AipkitUsage\Core\PhpCore::$instantiations;';
		$this->assertSame( 'lazy 0 1', self::php( '', $code ) );
	}

	public function testATrapAnswersTheInternalErrorOfTheFfiPathAndStartsAFreshInstance(): void {
		$core = PhpCore::instance();
		$core->call( 'version', array() );
		$before = PhpCore::$instantiations;
		// Fault injection into the real module: its linear memory vanishes (as a memory fault would).
		$module = ( new ReflectionProperty( PhpCore::class, 'module' ) )->getValue( $core );
		$module->m = array();
		[ $status, $body ] = $core->call_json( 'version', '{}' );
		$this->assertSame( 2, $status );
		$this->assertSame( '{"code":"internal_error","message":"The core hit an internal error; nothing was changed.","field":null}', $body );
		// The next call runs on a fresh instance and answers normally.
		$this->assertSame( array( 'version' => '0.1.0', 'abi' => Ffi::ABI_VERSION ), $core->call( 'version', array() ) );
		$this->assertSame( $before + 1, PhpCore::$instantiations );
		// Through call(): the same CoreException the FFI path throws for a caught panic (status 2).
		$module    = ( new ReflectionProperty( PhpCore::class, 'module' ) )->getValue( $core );
		$module->m = array();
		try {
			$core->call( 'admit', array( 'estimate' => '1' ) );
			$this->fail( 'expected internal_error' );
		} catch ( CoreException $e ) {
			$this->assertSame( array( 'internal_error', 2 ), array( $e->getErrorCode(), $e->getCode() ) );
		}
		$module    = ( new ReflectionProperty( PhpCore::class, 'module' ) )->getValue( $core );
		$this->assertNull( $module );
	}

	public static function opcache_modes(): array {
		return array(
			'opcache, JIT off'     => array( '-d opcache.enable_cli=1 -d opcache.jit=off' ),
			'opcache, tracing JIT' => array( '-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M' ),
			'opcache, function JIT' => array( '-d opcache.enable_cli=1 -d opcache.jit=function -d opcache.jit_buffer_size=64M' ),
		);
	}

	/**
	 * Every golden vector, several times (so the tracing JIT compiles the hot paths), through the PHP
	 * core equals FFI's answer, and not one warning or notice is printed.
	 *
	 * @dataProvider opcache_modes
	 */
	public function testNoWarningAndSameAnswersUnderOpcacheAndJit( string $ini ): void {
		$code = '$n = 0; $bad = 0;'
			. 'foreach (glob(' . var_export( dirname( __DIR__ ) . '/vectors', true ) . ' . "/*.json") as $f) foreach (json_decode(file_get_contents($f), true) as $c) {'
			. '  if (!is_array($c["input"])) continue; $j = [] === $c["input"] ? "{}" : json_encode($c["input"], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);'
			. '  $want = \AipkitUsage\Core\Ffi::instance()->call_json($c["op"], $j);'
			. '  for ($r = 0; $r < 3; $r++) { $n++; if (\AipkitUsage\Core\PhpCore::instance()->call_json($c["op"], $j) !== $want) { $bad++; } } }'
			. 'echo (function_exists("opcache_get_status") && opcache_get_status(false)["opcache_enabled"]) ? "opcache " : "no-opcache ", "$n $bad ", ini_get("opcache.jit");';
		$out = self::php( $ini, $code, $stderr );
		$this->assertSame( '', $stderr, 'no warning may reach the log' );
		$this->assertMatchesRegularExpression( '/^opcache \d{3,} 0 /', $out );
		// PHP 8.2's tracing JIT miscomputes the generated code (answers differ, memory.grow runs away)
		// and its function JIT ran out of a 128 MB memory_limit compiling it: PhpCore switches the JIT
		// off for the request in both cases.
		if ( str_contains( $ini, 'jit=tracing' ) || str_contains( $ini, 'jit=function' ) ) {
			$this->assertStringEndsWith( ' off', $out );
		}
	}

	/** Without the guard the tracing JIT really does go wrong: this documents why PhpCore turns it off. */
	public function testTheTracingJitIsSwitchedOffOnlyWhenThePhpCoreRuns(): void {
		$ini = '-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M';
		$this->assertSame( 'tracing', self::php( $ini, 'echo ini_get("opcache.jit");' ) );
		$this->assertSame( 'tracing off', self::php( $ini, 'echo ini_get("opcache.jit"), " "; \AipkitUsage\Core\Ffi::instance()->call("version", []); \AipkitUsage\Core\PhpCore::instance()->call("version", []); echo ini_get("opcache.jit");' ) );
	}

	public function testADamagedNativeLibraryIsRefusedBeforeLoading(): void {
		$lib = Ffi::library_path();
		$dir = sys_get_temp_dir() . '/aipkit-libcheck-' . getmypid();
		@mkdir( $dir );
		$copy = "$dir/libaipkit_usage.so";
		copy( LibraryCheck::manifest_path( $lib ), "$dir/libaipkit_usage.json" );
		try {
			$avail = 'define("AIPKIT_USAGE_LIB", ' . var_export( $copy, true ) . '); var_export(\AipkitUsage\Core\Ffi::availability()); echo " | ", \AipkitUsage\Core\PhpCore::instance()->call("version", [])["version"];';
			copy( $lib, $copy );
			$this->assertSame( 'NULL | 0.1.0', self::php( '-d ffi.enable=1', $avail ), 'an intact copy loads' );

			// A partial upload: the first 64 KiB only. Loading it would kill PHP with SIGBUS.
			file_put_contents( $copy, file_get_contents( $lib, false, null, 0, 65536 ) );
			LibraryCheck::forget();
			$this->assertStringContainsString( 'is 65536 bytes but was built as', (string) LibraryCheck::problem( $copy ) );
			$out = self::php( '-d ffi.enable=1', $avail );
			$this->assertStringContainsString( 'truncated or replaced', $out );
			$this->assertStringEndsWith( '| 0.1.0', $out, 'the PHP core still answers in the same process' );

			// Same size, one byte changed.
			$bytes                               = file_get_contents( $lib );
			$bytes[ intdiv( strlen( $bytes ), 2 ) ] = chr( ord( $bytes[ intdiv( strlen( $bytes ), 2 ) ] ) ^ 0xff );
			file_put_contents( $copy, $bytes );
			LibraryCheck::forget();
			$this->assertStringContainsString( 'does not match its build checksum', (string) LibraryCheck::problem( $copy ) );

			// Not an ELF file at all (same size).
			file_put_contents( $copy, str_repeat( 'x', filesize( $lib ) ) );
			LibraryCheck::forget();
			$this->assertStringContainsString( 'not an ELF shared library', (string) LibraryCheck::problem( $copy ) );

			// No build record beside it.
			copy( $lib, $copy );
			unlink( "$dir/libaipkit_usage.json" );
			LibraryCheck::forget();
			$this->assertStringContainsString( 'build record', (string) LibraryCheck::problem( $copy ) );
		} finally {
			array_map( 'unlink', glob( "$dir/*" ) );
			rmdir( $dir );
			LibraryCheck::forget();
		}
	}
}
