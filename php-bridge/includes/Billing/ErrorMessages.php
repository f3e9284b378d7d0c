<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * Billing errors in the owner's words. The core answers stable codes with English developer text and
 * a field path (`rule.input_rate`, `new`); the screens show a translatable sentence naming the field
 * as the screen labels it ("Credit balance cannot be negative."). The code and field stay as they
 * are (scripts and the screens' field highlighting use them); the core's own text moves to
 * data.detail.
 */
final class ErrorMessages {
	/** Field (or core request path) → the label the screens show for it. */
	public static function label( string $field ): string {
		$field = (string) preg_replace( '/^(rule|usage)\./', '', $field );
		if ( preg_match( '/^role_limits\.(.+)$/', $field, $m ) ) {
			/* translators: %s: role name */
			return sprintf( __( 'Limit for %s', 'aipkit-usage' ), $m[1] );
		}
		$labels = [
			'input_rate'            => __( 'Input rate', 'aipkit-usage' ),
			'output_rate'           => __( 'Output rate', 'aipkit-usage' ),
			'unit_rate'             => __( 'Unit rate', 'aipkit-usage' ),
			'usage_type'            => __( 'Usage type', 'aipkit-usage' ),
			'method'                => __( 'Billing method', 'aipkit-usage' ),
			'provider'              => __( 'Provider', 'aipkit-usage' ),
			'model'                 => __( 'Model', 'aipkit-usage' ),
			'guest_limit'           => __( 'Guest limit', 'aipkit-usage' ),
			'user_limit'            => __( 'User limit', 'aipkit-usage' ),
			'role_limits'           => __( 'Role limits', 'aipkit-usage' ),
			'period'                => __( 'Reset period', 'aipkit-usage' ),
			'message'               => __( 'Message when the quota is reached', 'aipkit-usage' ),
			'new_balance'           => __( 'Credit balance', 'aipkit-usage' ),
			'new'                   => __( 'Credit balance', 'aipkit-usage' ),
			'expected_balance'      => __( 'Credit balance', 'aipkit-usage' ),
			'expected'              => __( 'Credit balance', 'aipkit-usage' ),
			'expected_uncovered'    => __( 'Uncovered usage', 'aipkit-usage' ),
			'amount'                => __( 'Amount', 'aipkit-usage' ),
			'uncovered_limit'       => __( 'Uncovered usage limit', 'aipkit-usage' ),
			'hold_lifetime_minutes' => __( 'Hold lifetime', 'aipkit-usage' ),
			'consumption_order'     => __( 'Consumption order', 'aipkit-usage' ),
			'input_tokens'          => __( 'Input tokens', 'aipkit-usage' ),
			'output_tokens'         => __( 'Output tokens', 'aipkit-usage' ),
			'images'                => __( 'Images', 'aipkit-usage' ),
			'videos'                => __( 'Videos', 'aipkit-usage' ),
		];
		$last   = (string) preg_replace( '/^.*\./', '', $field );
		return $labels[ $field ] ?? $labels[ $last ] ?? __( 'This value', 'aipkit-usage' );
	}

	/** The sentence for an error code about one field, or null when the code is not a billing input error. */
	public static function sentence( string $code, string $field ): ?string {
		$label = self::label( $field );
		switch ( preg_replace( '/^aipkit_/', '', $code ) ) {
			case 'invalid_amount':
				/* translators: %s: field label */
				return sprintf( __( '%s must be a number with at most 6 decimal places, for example 1.5.', 'aipkit-usage' ), $label );
			case 'invalid_rate':
				/* translators: %s: field label */
				return sprintf( __( '%s must be a number of credits with at most 6 decimal places, for example 0.5.', 'aipkit-usage' ), $label );
			case 'negative_amount':
				/* translators: %s: field label */
				return sprintf( __( '%s cannot be negative.', 'aipkit-usage' ), $label );
			case 'amount_overflow':
				/* translators: %s: field label */
				return sprintf( __( '%s is too large: the most is 99,999,999,999,999.999999.', 'aipkit-usage' ), $label );
			case 'missing_rate':
				/* translators: %s: field label */
				return sprintf( __( '%s is required for this billing method.', 'aipkit-usage' ), $label );
			case 'method_not_allowed':
				return __( 'This billing method does not fit the usage type. Choose another billing method.', 'aipkit-usage' );
			case 'unknown_usage_type':
				return __( 'Choose a usage type from the list.', 'aipkit-usage' );
			case 'unknown_method':
				return __( 'Choose a billing method from the list.', 'aipkit-usage' );
			case 'invalid_provider':
				return __( 'Provider must be a name of at most 64 plain characters.', 'aipkit-usage' );
			case 'invalid_model':
				return __( 'Model must be a name of at most 128 characters, or * for every model of the provider.', 'aipkit-usage' );
			case 'invalid_period':
				return __( 'Choose a reset period from the list.', 'aipkit-usage' );
			case 'invalid_timezone':
				return __( 'The site time zone cannot be used for quota periods. Check Settings › General › Timezone.', 'aipkit-usage' );
			case 'invalid_order':
				return __( 'Choose whether the credit balance or the quota is used first.', 'aipkit-usage' );
			case 'invalid_count':
				/* translators: %s: field label */
				return sprintf( __( '%s must be a whole number of at least 0.', 'aipkit-usage' ), $label );
			case 'malformed_input':
				/* translators: %s: field label */
				return sprintf( __( '%s is missing or not in the expected form.', 'aipkit-usage' ), $label );
		}
		return null;
	}

	/** The same error with the owner's sentence as message (the previous text kept in data.detail). */
	public static function translate( WP_Error $e ): WP_Error {
		$data     = (array) $e->get_error_data();
		$sentence = self::sentence( (string) $e->get_error_code(), (string) ( $data['field'] ?? '' ) );
		if ( null === $sentence ) {
			return $e;
		}
		$data['detail'] = $data['detail'] ?? $e->get_error_message();
		return new WP_Error( $e->get_error_code(), $sentence, $data );
	}
}
