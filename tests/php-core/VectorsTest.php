<?php
use AipkitUsage\Core\CoreBackend;
use AipkitUsage\Core\CoreException;
use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\PhpCore;
use PHPUnit\Framework\TestCase;

/**
 * The golden vectors through both PHP backends (FFI and the generated PHP core); Rust and Node run
 * the same files and all must agree exactly. Both backends must also answer byte for byte alike.
 */
final class VectorsTest extends TestCase {
	private static function cases(): array {
		$out = array();
		foreach ( glob( dirname( __DIR__ ) . '/vectors/*.json' ) as $file ) {
			$cases = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
			foreach ( $cases as $c ) {
				$out[ basename( $file, '.json' ) . ': ' . $c['name'] ] = $c;
			}
		}
		return $out;
	}

	public static function vectors(): array {
		$out = array();
		foreach ( self::cases() as $name => $c ) {
			foreach ( array( 'ffi', 'php' ) as $backend ) {
				$out[ "$backend $name" ] = array( $c, $backend );
			}
		}
		return $out;
	}

	public static function byte_vectors(): array {
		return array_map( static fn ( $c ) => array( $c ), self::cases() );
	}

	private static function backend( string $name ): CoreBackend {
		return 'ffi' === $name ? Ffi::instance() : PhpCore::instance();
	}

	/**
	 * @dataProvider byte_vectors
	 */
	public function testBothBackendsAnswerByteForByte( array $c ): void {
		$json = is_array( $c['input'] ) && array() === $c['input'] ? '{}' : json_encode( $c['input'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		$ffi  = Ffi::instance()->call_json( $c['op'], $json );
		$php  = PhpCore::instance()->call_json( $c['op'], $json );
		if ( 1 === $ffi[0] && 1 === $php[0] ) {
			// Errors: same code and field; the message may differ only for unreadable JSON (serde_json's wording).
			$f = json_decode( $ffi[1], true );
			$p = json_decode( $php[1], true );
			$this->assertSame( array( $f['code'], $f['field'] ), array( $p['code'], $p['field'] ) );
			if ( 'malformed_input' !== $f['code'] ) {
				$this->assertSame( $ffi[1], $php[1] );
			}
			return;
		}
		$this->assertSame( $ffi, $php );
	}

	private static function sortDeep( $v ) {
		if ( ! is_array( $v ) ) {
			return $v;
		}
		if ( ! array_is_list( $v ) ) {
			ksort( $v );
		}
		return array_map( array( self::class, 'sortDeep' ), $v );
	}

	public function testThereAreAtLeast150Vectors(): void {
		$this->assertGreaterThanOrEqual( 150, count( self::cases() ) );
	}

	/** The compact price request through its own export (aipkit_price_text) answers like the op. */
	private function assertFastPriceText( array $c, CoreBackend $core ): void {
		try {
			$got = $core->price_text( $c['input']['text'] );
			$this->assertArrayHasKey( 'expect', $c, 'expected error ' . ( $c['error'] ?? '' ) );
			$this->assertSame( self::sortDeep( $c['expect'] ), self::sortDeep( $got ) );
		} catch ( CoreException $e ) {
			$this->assertSame( $c['error'] ?? 'no error', $e->getErrorCode(), $e->getMessage() );
			if ( array_key_exists( 'field', $c ) ) {
				$this->assertSame( $c['field'], $e->getField() );
			}
		}
	}

	/** @dataProvider vectors */
	public function testVector( array $c, string $backend ): void {
		$ffi = self::backend( $backend );
		if ( ! is_array( $c['input'] ) ) {
			// call() takes arrays only; a non-object request goes through the raw JSON entry.
			[ $status, $body ] = $ffi->call_json( $c['op'], json_encode( $c['input'] ) );
			$this->assertSame( 1, $status );
			$this->assertSame( $c['error'], json_decode( $body, true )['code'] );
			return;
		}
		if ( 'price_text' === $c['op'] && array( 'text' ) === array_keys( $c['input'] ) && is_string( $c['input']['text'] ) ) {
			$this->assertFastPriceText( $c, $ffi );
		}
		if ( array_key_exists( 'expect', $c ) ) {
			$got = $ffi->call( $c['op'], $c['input'] );
			$this->assertSame( self::sortDeep( $c['expect'] ), self::sortDeep( $got ) );
			return;
		}
		try {
			$ffi->call( $c['op'], $c['input'] );
			$this->fail( 'expected error ' . $c['error'] );
		} catch ( CoreException $e ) {
			$this->assertSame( $c['error'], $e->getErrorCode(), $e->getMessage() );
			if ( array_key_exists( 'field', $c ) ) {
				$this->assertSame( $c['field'], $e->getField() );
			}
			$this->assertNotSame( '', $e->getMessage() );
		}
	}
}
