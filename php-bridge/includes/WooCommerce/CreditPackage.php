<?php
namespace AipkitUsage\WooCommerce;

use AipkitUsage\Core\Gateway;
use AipkitUsage\Billing\Decimal;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * What makes a WooCommerce product a credit package: the flag and the credits per quantity on the
 * product, optionally overridden by a variation (blank = the product's amount). Amounts are decimal
 * strings with 6 places, checked by the core.
 */
final class CreditPackage {
	public const FLAG    = '_aipkit_credit_package';
	public const CREDITS = '_aipkit_credits_per_qty';

	/**
	 * Checks an amount typed into the product editor: a decimal greater than 0 with at most 6 places.
	 *
	 * @param mixed $value
	 * @return string|WP_Error canonical amount
	 */
	public static function validate( $value ) {
		$label = __( 'Credits Granted Per Quantity', 'aipkit-usage' );
		$value = is_string( $value ) ? trim( $value ) : $value;
		$bad   = new WP_Error(
			'aipkit_invalid_credits',
			/* translators: %s: field label */
			sprintf( __( '%s must be a number greater than 0 with at most 6 decimal places, e.g. 100 or 2.5.', 'aipkit-usage' ), $label ),
			[
				'status' => 400,
				'field'  => 'credits_per_quantity',
			]
		);
		$parsed = Decimal::parse( 'credits_per_quantity', $value );
		if ( is_wp_error( $parsed ) || Decimal::is_zero( $parsed ) ) {
			return $bad;
		}
		// The core owns the amount format (range, places, canonical text): a per-unit rate is the same shape.
		$rule = Gateway::instance()->validate_rule(
			[
				'rule' => [
					'usage_type' => 'image_generate',
					'provider'   => 'woocommerce',
					'model'      => 'credit-package',
					'method'     => 'per_image',
					'unit_rate'  => $parsed,
				],
			]
		);
		if ( is_wp_error( $rule ) ) {
			return 'aipkit_core_unavailable' === $rule->get_error_code() ? $rule : $bad;
		}
		return Decimal::db( $rule['rule']['unit_rate'] );
	}

	/** True when the product (for a variation: its parent) is marked as a credit package. */
	public static function is_package( $product ): bool {
		if ( ! $product instanceof \WC_Product ) {
			return false;
		}
		$owner = $product->is_type( 'variation' ) ? wc_get_product( $product->get_parent_id() ) : $product;
		return $owner instanceof \WC_Product && 'yes' === $owner->get_meta( self::FLAG );
	}

	/**
	 * Credits per unit of the product as sold now: the variation's own amount, else the product's.
	 *
	 * @return string|null canonical amount, or null when the product is not a package
	 */
	public static function credits_per_unit( $product ): ?string {
		if ( ! self::is_package( $product ) ) {
			return null;
		}
		$own = (string) $product->get_meta( self::CREDITS );
		if ( '' === $own && $product->is_type( 'variation' ) ) {
			$parent = wc_get_product( $product->get_parent_id() );
			$own    = $parent ? (string) $parent->get_meta( self::CREDITS ) : '';
		}
		if ( '' === $own ) {
			return '0.000000';
		}
		return Decimal::db( $own );
	}

	/**
	 * Credits for a quantity, computed by the core (a per-unit rate times a count, rounded once).
	 *
	 * @return string|WP_Error
	 */
	public static function total( string $per_unit, int $quantity ) {
		if ( $quantity <= 0 || Decimal::is_zero( $per_unit ) ) {
			return '0.000000';
		}
		$q = Gateway::instance()->price(
			[
				[
					'id'         => 1,
					'usage_type' => 'image_generate',
					'provider'   => 'woocommerce',
					'model'      => 'credit-package',
					'method'     => 'per_image',
					'unit_rate'  => $per_unit,
				],
			],
			[
				'usage_type' => 'image_generate',
				'provider'   => 'woocommerce',
				'model'      => 'credit-package',
				'images'     => $quantity,
			]
		);
		return is_wp_error( $q ) ? $q : Decimal::db( $q['credits'] );
	}
}
