<?php
use AipkitUsage\Core\CoreException;
use AipkitUsage\Core\Ffi;
use PHPUnit\Framework\TestCase;

/** The PHP wrapper itself: loading, ABI check, availability reasons, errors, memory. */
final class FfiTest extends TestCase {
	private static function php( string $ini, string $code ): string {
		$boot = var_export( __DIR__ . '/bootstrap.php', true );
		$cmd  = PHP_BINARY . ' -n ' . $ini . ' -r ' . escapeshellarg( 'require ' . $boot . '; ' . $code ) . ' 2>&1';
		return (string) shell_exec( $cmd );
	}

	public function testAvailableWithFfiEnabled(): void {
		$this->assertNull( Ffi::availability() );
		$this->assertSame( array( 'version' => '0.1.0', 'abi' => Ffi::ABI_VERSION ), Ffi::instance()->call( 'version', array() ) );
		$this->assertSame( Ffi::instance(), Ffi::instance(), 'loaded once per process' );
	}

	public function testAvailabilityNamesEachProblem(): void {
		$echo = 'echo var_export(\AipkitUsage\Core\Ffi::availability(), true);';
		$this->assertStringContainsString( 'ffi.enable=0', self::php( '-d extension=ffi -d ffi.enable=0', $echo ) );
		$this->assertStringContainsString( 'not loaded', self::php( '', $echo ), 'php -n without the ffi extension' );
		$missing = self::php( '-d extension=ffi -d ffi.enable=1', 'define("AIPKIT_USAGE_LIB", "/nonexistent/libx.so"); ' . $echo );
		$this->assertStringContainsString( '/nonexistent/libx.so is missing', $missing );
		$bogus = tempnam( sys_get_temp_dir(), 'aipkit' );
		file_put_contents( $bogus, 'not a library' );
		$broken = self::php( '-d extension=ffi -d ffi.enable=1', 'define("AIPKIT_USAGE_LIB", ' . var_export( $bogus, true ) . '); ' . $echo );
		unlink( $bogus );
		$this->assertStringContainsString( 'could not be loaded', $broken );
		$this->assertSame( 'NULL', self::php( '-d extension=ffi -d ffi.enable=1', $echo ) );
		// CLI with the default ffi.enable=preload may use FFI.
		$this->assertSame( 'NULL', self::php( '-d extension=ffi -d ffi.enable=preload', $echo ) );
	}

	/** ffi.enable=preload + ffi.preload: the wrapper uses the preloaded scope instead of FFI::cdef. */
	public function testPreloadedScope(): void {
		$header = dirname( __DIR__, 2 ) . '/php-bridge/lib/aipkit_core.preload.h';
		$this->assertFileExists( $header, 'written by bin/build-core' );
		$code = 'var_export(\AipkitUsage\Core\Ffi::availability()); echo " "; '
			. 'echo \AipkitUsage\Core\Ffi::instance()->call("price", ["rules"=>[], "usage"=>["usage_type"=>"chat","provider"=>"x","model"=>"y","input_tokens"=>3]])["credits"];';
		$out = self::php( '-d extension=ffi -d ffi.enable=preload -d ffi.preload=' . escapeshellarg( $header ), $code );
		$this->assertSame( 'NULL 3.000000', $out );
		// The scope really is the preloaded one: FFI::scope answers in the same process.
		$this->assertSame( (string) Ffi::ABI_VERSION, self::php( '-d extension=ffi -d ffi.enable=preload -d ffi.preload=' . escapeshellarg( $header ), 'echo FFI::scope("aipkit_usage")->aipkit_abi_version();' ) );
	}

	public function testAbiMismatchIsRefused(): void {
		$this->assertSame( Ffi::ABI_VERSION, \FFI::cdef( 'uint32_t aipkit_abi_version(void);', Ffi::library_path() )->aipkit_abi_version() );
		// A library exporting the same functions but another ABI version must be refused.
		$dir = sys_get_temp_dir() . '/aipkit-abi-' . getmypid();
		@mkdir( $dir );
		file_put_contents( "$dir/fake.c", "#include <stdint.h>\n#include <stddef.h>\nuint32_t aipkit_abi_version(void){return 99;}\nint32_t aipkit_call(const char*a,size_t b,const char*c,size_t d,uint8_t**e,size_t*f){return 3;}\nint32_t aipkit_price_text(const char*a,size_t b,uint8_t**e,size_t*f){return 3;}\nvoid aipkit_free(uint8_t*p,size_t n){}\n" );
		exec( 'cc -shared -fPIC -o ' . escapeshellarg( "$dir/libfake.so" ) . ' ' . escapeshellarg( "$dir/fake.c" ) . ' 2>&1', $o, $rc );
		if ( 0 !== $rc ) {
			$this->markTestSkipped( 'no C compiler to build a mismatching library' );
		}
		// Its build record claims the right ABI (so the file check passes): the loaded library's own answer decides.
		file_put_contents( "$dir/libfake.json", json_encode( array( 'size' => filesize( "$dir/libfake.so" ), 'sha256' => hash_file( 'sha256', "$dir/libfake.so" ), 'abi' => Ffi::ABI_VERSION ) ) );
		$out = self::php( '-d extension=ffi -d ffi.enable=1', 'define("AIPKIT_USAGE_LIB", ' . var_export( "$dir/libfake.so", true ) . '); echo \AipkitUsage\Core\Ffi::availability();' );
		array_map( 'unlink', glob( "$dir/*" ) );
		rmdir( $dir );
		$this->assertStringContainsString( 'has ABI version 99 but this plugin needs 2', $out );
	}

	public function testCoreErrorsBecomeCoreException(): void {
		try {
			Ffi::instance()->call( 'adjust_balance', array( 'current' => '11', 'expected' => '10', 'new' => '5' ) );
			$this->fail( 'no exception' );
		} catch ( CoreException $e ) {
			$this->assertSame( 'stale_balance', $e->getErrorCode() );
			$this->assertSame( 'expected', $e->getField() );
			$this->assertSame( 1, $e->getCode() );
			$this->assertStringContainsString( 'changed', $e->getMessage() );
		}
	}

	public function testMalformedJsonAndStatuses(): void {
		[ $status, $body ] = Ffi::instance()->call_json( 'admit', '{"estimate": ' );
		$this->assertSame( 1, $status );
		$this->assertSame( 'malformed_input', json_decode( $body, true )['code'] );
		[ $status, $body ] = Ffi::instance()->call_json( 'admit', "\xff\xfe" );
		$this->assertSame( 1, $status );
		[ $status, $body ] = Ffi::instance()->call_json( 'version', '' );
		$this->assertSame( 'malformed_input', json_decode( $body, true )['code'] );
		[ $status, $body ] = Ffi::instance()->call_json( 'version', '{}   ' );
		$this->assertSame( 0, $status );
		[ $status, $body ] = Ffi::instance()->call_json( 'version', '{} {}' );
		$this->assertSame( 1, $status );
		[ $status ] = Ffi::instance()->call_json( 'csv_rows', str_repeat( '[', 10000 ) );
		$this->assertSame( 1, $status, 'deep nesting is refused, not a stack overflow' );
	}

	/** Every op (as the vectors name them) answers broken JSON with malformed_input, status 1. */
	public function testMalformedJsonForEveryOp(): void {
		$ops = array();
		foreach ( glob( dirname( __DIR__ ) . '/vectors/*.json' ) as $file ) {
			foreach ( json_decode( file_get_contents( $file ), true ) as $c ) {
				if ( 'unknown_op' !== ( $c['error'] ?? '' ) ) {
					$ops[ $c['op'] ] = true;
				}
			}
		}
		$this->assertCount( 20, $ops, 'every op of contract §1 has vectors' );
		$broken = array( '{"estimate":', "\xff\xfe", '{"a":NaN}', '{"a":Infinity}', '{"a":-Infinity}', '{"a":1e999999}', '', 'null x', '{"a":"\ud800"}', str_repeat( '[', 100 ) );
		foreach ( array_keys( $ops ) as $op ) {
			foreach ( $broken as $json ) {
				[ $status, $body ] = Ffi::instance()->call_json( $op, $json );
				$this->assertSame( 1, $status, "$op: " . bin2hex( $json ) );
				$this->assertSame( 'malformed_input', json_decode( $body, true )['code'], "$op: $body" );
			}
		}
		// The compact price entry: bytes that are not UTF-8, an empty request, a wrong shape.
		foreach ( array( "\xff\xfe", '', "chat\topenai", "{\"text\":1}" ) as $text ) {
			try {
				Ffi::instance()->price_text( $text );
				$this->fail( 'no exception for ' . bin2hex( $text ) );
			} catch ( CoreException $e ) {
				$this->assertSame( 'malformed_input', $e->getErrorCode() );
				$this->assertSame( 1, $e->getCode() );
			}
		}
	}

	public function testValuesJsonCannotHoldAreBadInput(): void {
		foreach ( array( NAN, INF, -INF ) as $bad ) {
			try {
				Ffi::instance()->call( 'quote', array( 'rules' => array(), 'usage' => array( 'usage_type' => 'chat', 'provider' => 'p', 'model' => 'm', 'input_tokens' => $bad ) ) );
				$this->fail( 'no exception' );
			} catch ( CoreException $e ) {
				$this->assertSame( 'malformed_input', $e->getErrorCode() );
			}
		}
		// Invalid UTF-8 in text cells is replaced, not fatal, and still neutralised.
		$csv = Ffi::instance()->call( 'csv_rows', array( 'rows' => array( array( "=bad\xff" ) ) ) )['csv'];
		$this->assertSame( "'=bad\u{FFFD}\r\n", $csv );
	}

	public function testLargeCsvPageInOneCall(): void {
		$rows = array();
		for ( $i = 0; $i < 5000; $i++ ) {
			$rows[] = array( (string) $i, '=cmd|' . $i, "multi\nline, \"quoted\"", 'plain' );
		}
		$csv   = Ffi::instance()->call( 'csv_rows', array( 'rows' => $rows ) )['csv'];
		$lines = 0;
		$fh    = fopen( 'php://memory', 'w+' );
		fwrite( $fh, $csv );
		rewind( $fh );
		while ( ( $r = fgetcsv( $fh, null, ',', '"', '' ) ) !== false ) {
			$this->assertSame( "'=cmd|" . $lines, $r[1] );
			$this->assertSame( "multi\nline, \"quoted\"", $r[2] );
			$lines++;
		}
		$this->assertSame( 5000, $lines );
	}

	/** 50,000 calls, valid and invalid: resident memory must stay flat (every buffer freed). */
	public function testNoLeakOver50000Calls(): void {
		$ffi  = Ffi::instance();
		$good = array(
			'rules' => array( array( 'id' => 7, 'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2' ) ),
			'usage' => array( 'usage_type' => 'chat', 'provider' => 'openai', 'model' => 'gpt-4o', 'input_tokens' => 800, 'output_tokens' => 300 ),
		);
		$bad  = array( 'estimate' => 'NaN', 'balance_available' => '1', 'quota_remaining' => null, 'order' => 'balance_first' );
		// The compact entry (aipkit_price_text) too: its answer and error buffers are freed the same way.
		$text     = Ffi::text_request( $good['usage'], Ffi::text_rules( $good['rules'] ) );
		$bad_text = "chat\topenai\tgpt-4o\tNaN\t\t\t";
		for ( $i = 0; $i < 2000; $i++ ) { // warm-up: allocator arenas, PHP caches
			$ffi->call( 'quote', $good );
			$ffi->price_text( $text );
		}
		$before = self::rssKb();
		for ( $i = 0; $i < 50000; $i++ ) {
			try {
				switch ( $i % 4 ) {
					case 0:
						$ffi->call( 'admit', $bad );
						break;
					case 1:
						$ffi->call( 'quote', $good );
						break;
					case 2:
						$ffi->price_text( $text );
						break;
					default:
						$ffi->price_text( $bad_text );
				}
			} catch ( CoreException $e ) {
				unset( $e );
			}
		}
		$growth = self::rssKb() - $before;
		$this->assertLessThan( 3 * 1024, $growth, "RSS grew by {$growth} KB over 50,000 calls" );
	}

	private static function rssKb(): int {
		preg_match( '/^VmRSS:\s+(\d+)/m', (string) file_get_contents( '/proc/self/status' ), $m );
		return (int) $m[1];
	}
}
