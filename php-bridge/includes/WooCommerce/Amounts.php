<?php
namespace AipkitUsage\WooCommerce;

use AipkitUsage\Billing\Decimal;

defined( 'ABSPATH' ) || exit;

/**
 * The little arithmetic refunds need (a share of an item's credits, what remains after earlier
 * reversals), done in MariaDB DECIMAL: exact, and rounded once, half away from zero, like the core.
 * Never PHP floats.
 */
final class Amounts {
	/** ROUND( $total × $part / $whole, 6 ); 0 when $whole is 0. */
	public static function share( string $total, string $part, string $whole ): string {
		global $wpdb;
		$v = $wpdb->get_var( $wpdb->prepare( 'SELECT IF(CAST(%s AS DECIMAL(30,6)) = 0, 0, ROUND(CAST(%s AS DECIMAL(30,6)) * CAST(%s AS DECIMAL(30,6)) / CAST(%s AS DECIMAL(30,6)), 6))', $whole, $total, $part, $whole ) );
		return Decimal::db( (string) $v );
	}

	/** max( 0, $a − $b ). */
	public static function rest( string $a, string $b ): string {
		global $wpdb;
		return Decimal::db( (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GREATEST(0, CAST(%s AS DECIMAL(30,6)) - CAST(%s AS DECIMAL(30,6)))', $a, $b ) ) );
	}

	/** Sum of amounts (as text). */
	public static function sum( array $amounts ): string {
		global $wpdb;
		if ( ! $amounts ) {
			return '0.000000';
		}
		$sql = 'SELECT ' . implode( ' + ', array_fill( 0, count( $amounts ), 'CAST(%s AS DECIMAL(30,6))' ) );
		return Decimal::db( (string) $wpdb->get_var( $wpdb->prepare( $sql, ...array_values( $amounts ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- placeholders only.
	}

	/** Amount shown to people: trailing zeros dropped ("300", "2.5"). */
	public static function display( string $amount ): string {
		$amount = Decimal::db( $amount );
		$amount = rtrim( rtrim( $amount, '0' ), '.' );
		return '' === $amount || '-' === $amount ? '0' : $amount;
	}
}
