<?php
use AipkitUsage\Core\Ffi;
use AipkitUsage\Core\PhpCore;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/RandomRequests.php';

/**
 * Property run: random requests for every operation (mutations of the golden vectors' inputs:
 * amounts, counts, text, missing and extra fields) through FFI and through the generated PHP
 * core must give the same status and the same bytes (generator: RandomRequests.php, shared with the
 * bench). AIPKIT_PARITY_N sets the requests per operation (default 10,000; bench/core/parity.php runs
 * >= 1,000,000 in all).
 */
final class BackendParityTest extends TestCase {
	public static function ops(): array {
		return array_map( static fn ( $t ) => array( $t ), array_keys( RandomRequests::templates() ) );
	}

	/** @dataProvider ops */
	public function testRandomRequestsAnswerAlikeOnBothBackends( string $op ): void {
		$n         = (int) ( getenv( 'AIPKIT_PARITY_N' ) ?: 10000 );
		$templates = RandomRequests::templates()[ $op ];
		mt_srand( crc32( $op ) );
		$ffi      = Ffi::instance();
		$php      = PhpCore::instance();
		$statuses = array( 0 => 0, 1 => 0, 2 => 0 );
		for ( $i = 0; $i < $n; $i++ ) {
			$json = RandomRequests::json( RandomRequests::mutate( $templates[ $i % count( $templates ) ], 0 ) );
			$a    = $ffi->call_json( $op, $json );
			$b    = $php->call_json( $op, $json );
			if ( $a !== $b ) {
				$this->fail( "$op request #$i differs\nrequest: $json\nffi: " . json_encode( $a ) . "\nphp: " . json_encode( $b ) );
			}
			++$statuses[ $a[0] ];
		}
		$this->assertSame( 0, $statuses[2], 'no request may reach an internal error' );
		$this->assertSame( $n, $statuses[0] + $statuses[1] );
	}
}
