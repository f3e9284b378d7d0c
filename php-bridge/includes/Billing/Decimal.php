<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * Shape checks for decimal strings at the edge. Deliberately no arithmetic: sums, differences and
 * comparisons of amounts happen in SQL DECIMAL or in the core, never in PHP floats.
 */
final class Decimal {
	/** Accepts what the core accepts: 0–6 decimal places, |x| < 10^14. */
	private const PATTERN = '/^(-?)(\d{1,20})(?:\.(\d{1,6}))?$/';

	/**
	 * @param mixed $value string or int (JSON numbers are refused: they may already be floats)
	 * @return string|WP_Error canonical string with 6 places
	 */
	public static function parse( string $field, $value, bool $allow_negative = false ) {
		if ( is_int( $value ) ) {
			$value = (string) $value;
		}
		if ( ! is_string( $value ) ) {
			return self::error( 'aipkit_invalid_amount', $field, $field . ' must be a decimal number written as a string, e.g. "1.5".' );
		}
		$value = trim( $value );
		if ( ! preg_match( self::PATTERN, $value, $m ) ) {
			if ( preg_match( '/^-?\d+\.\d{7,}$/', $value ) ) {
				return self::error( 'aipkit_invalid_amount', $field, $field . ' has more than 6 decimal places.' );
			}
			return self::error( 'aipkit_invalid_amount', $field, $field . ' is not a number.' );
		}
		$int = ltrim( $m[2], '0' );
		if ( strlen( $int ) > 14 ) {
			return self::error( 'aipkit_amount_overflow', $field, $field . ' is too large (the limit is 99,999,999,999,999.999999).' );
		}
		$frac = str_pad( $m[3] ?? '', 6, '0' );
		$out  = ( '' === $int ? '0' : $int ) . '.' . $frac;
		if ( '-' === $m[1] && ! self::is_zero( $out ) ) {
			if ( ! $allow_negative ) {
				return self::error( 'aipkit_negative_amount', $field, $field . ' cannot be negative.' );
			}
			$out = '-' . $out;
		}
		return $out;
	}

	/** Empty string / null means "no limit". */
	public static function parse_limit( string $field, $value ) {
		if ( null === $value || '' === $value ) {
			return null;
		}
		return self::parse( $field, $value );
	}

	public static function is_zero( string $value ): bool {
		return (bool) preg_match( '/^-?0*(\.0*)?$/', $value );
	}

	/** Sign flip as text (the ledger stores the signed change of the balance). */
	public static function negate( string $value ): string {
		if ( self::is_zero( $value ) ) {
			return ltrim( $value, '-' );
		}
		return str_starts_with( $value, '-' ) ? substr( $value, 1 ) : '-' . $value;
	}

	/** Database DECIMAL text normalised to the canonical 6-place form. */
	public static function db( $value ): string {
		$r = self::parse( 'value', (string) $value, true );
		return is_wp_error( $r ) ? '0.000000' : $r;
	}

	/** @param string $message technical detail (data.detail); the message is the owner's sentence. */
	private static function error( string $code, string $field, string $message ): WP_Error {
		return new WP_Error(
			$code,
			// The owner's sentence naming the field as the screens label it; the technical one as detail.
			ErrorMessages::sentence( $code, $field ) ?? $message,
			[
				'status' => 400,
				'field'  => $field,
				'detail' => $message,
			]
		);
	}
}
