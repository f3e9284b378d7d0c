<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * Decimal strings at the edge. Input amounts are read by the core (op `amount`: the one grammar of
 * credits, 0–6 decimal places, |x| < 10^14); this class only forgives surrounding whitespace, turns
 * PHP ints into text and refuses other types (a JSON number may already be a float). Deliberately no
 * arithmetic: sums, differences and comparisons of amounts happen in SQL DECIMAL or in the core.
 */
final class Decimal {
	/** What MariaDB prints for DECIMAL columns and expressions: digits, an optional fraction. */
	private const DB_PATTERN = '/^(-?)(\d+)(?:\.(\d+))?$/';

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
		$r = Gateway::instance()->call(
			'amount',
			[
				'value'    => trim( $value ),
				'field'    => $field,
				'negative' => $allow_negative,
			]
		);
		if ( is_wp_error( $r ) ) {
			if ( 'aipkit_core_unavailable' === $r->get_error_code() ) {
				return $r;
			}
			return self::error( (string) $r->get_error_code(), $field, $r->get_error_message() );
		}
		return (string) $r['amount'];
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

	/**
	 * A value the database printed (DECIMAL(20,6) columns, their sums and differences), in the
	 * canonical 6-place form. Not for input: the database only prints well-formed numbers, and a
	 * DECIMAL(…,6) expression never has more than 6 places that are not zero.
	 */
	public static function db( $value ): string {
		if ( ! preg_match( self::DB_PATTERN, trim( (string) $value ), $m ) ) {
			return '0.000000';
		}
		$int  = ltrim( $m[2], '0' );
		$frac = substr( str_pad( $m[3] ?? '', 6, '0' ), 0, 6 );
		$out  = ( '' === $int ? '0' : $int ) . '.' . $frac;
		return ( '-' === $m[1] && ! self::is_zero( $out ) ) ? '-' . $out : $out;
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
