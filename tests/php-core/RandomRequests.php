<?php
/**
 * Random requests for every core operation: mutations of the golden vectors' inputs (amounts, counts,
 * text, missing and extra fields). One generator for the property run in `npm test`
 * (BackendParityTest.php, 10,000 per operation) and the bench (bench/core/parity.php, >= 1,000,000 in all),
 * so the bench proves the same thing at scale.
 */
final class RandomRequests {
	private const STRINGS = array( '0', '1', '-1', '1.4', '0.000001', '0.0000001', '99999999999999.999999', '100000000000000', '1e5', ' 2', '2 ', '+3', '-0', '00.10', '.5', '5.', 'abc', '', 'é', "a\tb", "x\ny", '=SUM(A1)', '-2.5', '12345678901234567890', 'chat', 'image', 'per_1k_tokens', 'per_image', 'balance_first', 'quota_first', 'day', 'week', 'month', 'guest', 'user', '10', '7' );

	public static function templates(): array {
		$out = array();
		foreach ( glob( dirname( __DIR__ ) . '/vectors/*.json' ) as $file ) {
			foreach ( json_decode( file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR ) as $c ) {
				if ( is_array( $c['input'] ) ) {
					$out[ $c['op'] ][] = $c['input'];
				}
			}
		}
		ksort( $out );
		return $out;
	}

	private static function scalar( $like ) {
		switch ( mt_rand( 0, 9 ) ) {
			case 0:
				return mt_rand( -5, 5000 );
			case 1:
				return array( PHP_INT_MAX, -PHP_INT_MAX - 1, 2 ** 53, 1000000000000, 0, -1 )[ mt_rand( 0, 5 ) ];
			case 2:
				return null;
			case 3:
				return (bool) mt_rand( 0, 1 );
			case 4:
				$int  = (string) mt_rand( 0, 10 ** mt_rand( 0, 9 ) );
				$frac = mt_rand( 0, 2 ) ? '.' . str_pad( (string) mt_rand( 0, 99999999 ), mt_rand( 1, 8 ), '0', STR_PAD_LEFT ) : '';
				return ( mt_rand( 0, 5 ) ? '' : '-' ) . $int . $frac;
			case 5:
				return mt_rand( 0, 20 ) . '.' . mt_rand( 0, 999999 );
			default:
				return is_string( $like ) && mt_rand( 0, 2 ) ? $like : self::STRINGS[ mt_rand( 0, count( self::STRINGS ) - 1 ) ];
		}
	}

	public static function mutate( $v, int $depth ) {
		if ( is_array( $v ) ) {
			foreach ( $v as $k => $x ) {
				$r = mt_rand( 0, 29 );
				if ( 0 === $r ) {
					unset( $v[ $k ] );
				} elseif ( $r < 10 ) {
					$v[ $k ] = self::mutate( $x, $depth + 1 );
				}
			}
			if ( 0 === mt_rand( 0, 40 ) ) {
				$v['extra'] = self::scalar( null );
			}
			if ( array_is_list( $v ) && $v && 0 === mt_rand( 0, 10 ) && $depth < 4 ) {
				$v[] = self::mutate( $v[ mt_rand( 0, count( $v ) - 1 ) ], $depth + 1 );
			}
			return $v;
		}
		return self::scalar( $v );
	}

	/** The JSON a request is sent as (an empty array is the empty object). */
	public static function json( $req ): string {
		return is_array( $req ) && array() === $req ? '{}' : json_encode( $req, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE );
	}
}
