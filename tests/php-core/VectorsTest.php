<?php
use AipkitUsage\Core\CoreException;
use AipkitUsage\Core\Ffi;
use PHPUnit\Framework\TestCase;

/** The golden vectors through PHP FFI; Rust and Node run the same files and must agree exactly. */
final class VectorsTest extends TestCase {
	public static function vectors(): array {
		$out = array();
		foreach ( glob( dirname( __DIR__ ) . '/vectors/*.json' ) as $file ) {
			$cases = json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR );
			foreach ( $cases as $c ) {
				$out[ basename( $file, '.json' ) . ': ' . $c['name'] ] = array( $c );
			}
		}
		return $out;
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
		$this->assertGreaterThanOrEqual( 150, count( self::vectors() ) );
	}

	/** The compact price request through its own export (aipkit_price_text) answers like the op. */
	private function assertFastPriceText( array $c ): void {
		try {
			$got = Ffi::instance()->price_text( $c['input']['text'] );
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
	public function testVector( array $c ): void {
		$ffi = Ffi::instance();
		if ( ! is_array( $c['input'] ) ) {
			// call() takes arrays only; a non-object request goes through the raw JSON entry.
			[ $status, $body ] = $ffi->call_json( $c['op'], json_encode( $c['input'] ) );
			$this->assertSame( 1, $status );
			$this->assertSame( $c['error'], json_decode( $body, true )['code'] );
			return;
		}
		if ( 'price_text' === $c['op'] && array( 'text' ) === array_keys( $c['input'] ) && is_string( $c['input']['text'] ) ) {
			$this->assertFastPriceText( $c );
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
