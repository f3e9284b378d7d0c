<?php
namespace AipkitUsage\Dashboard;

defined( 'ABSPATH' ) || exit;

/**
 * The nine attributes of [aipkit_token_usage] with the seed's defaults. Booleans accept
 * true/false, 1/0 and yes/no (any case); anything else keeps the default. Unknown attributes are
 * ignored.
 */
final class Attributes {
	public const BOOLEANS = [ 'chatbot', 'aiforms', 'imagegenerator', 'buycredits', 'purchasehistory' ];

	/** Attribute → the module whose quotas it shows. */
	public const MODULES = [
		'chatbot'        => 'chatbot',
		'aiforms'        => 'ai_forms',
		'imagegenerator' => 'image_generator',
	];

	/** @return array<string,bool|string> */
	public static function defaults(): array {
		return [
			'chatbot'         => true,
			'aiforms'         => true,
			'imagegenerator'  => true,
			'title'           => __( 'Credits & Usage', 'aipkit-usage' ),
			'intro'           => __( 'View your credits, purchases, and quotas.', 'aipkit-usage' ),
			'buycredits'      => true,
			'buycreditslabel' => __( 'Buy credits', 'aipkit-usage' ),
			'buycreditsurl'   => '',
			'purchasehistory' => true,
		];
	}

	/**
	 * @param mixed $atts what WordPress passes to the shortcode callback ('' when there are none)
	 * @return array<string,bool|string>
	 */
	public static function parse( $atts ): array {
		$out = self::defaults();
		if ( ! is_array( $atts ) ) {
			return $out;
		}
		// Shortcode attribute names arrive lower-cased; other callers (My Account, blocks) may not.
		$atts = array_change_key_case( $atts, CASE_LOWER );
		foreach ( $out as $key => $default ) {
			if ( ! array_key_exists( $key, $atts ) || ! is_scalar( $atts[ $key ] ) ) {
				continue;
			}
			$value = $atts[ $key ];
			if ( in_array( $key, self::BOOLEANS, true ) ) {
				$bool = self::boolean( $value );
				if ( null !== $bool ) {
					$out[ $key ] = $bool;
				}
			} elseif ( 'buycreditsurl' === $key ) {
				$out[ $key ] = self::url( (string) $value );
			} else {
				$out[ $key ] = sanitize_text_field( (string) $value );
			}
		}
		return $out;
	}

	/** true/false, 1/0, yes/no in any case; null for anything else. */
	public static function boolean( $value ): ?bool {
		if ( is_bool( $value ) ) {
			return $value;
		}
		$v = strtolower( trim( (string) $value ) );
		if ( in_array( $v, [ 'true', '1', 'yes' ], true ) ) {
			return true;
		}
		if ( in_array( $v, [ 'false', '0', 'no' ], true ) ) {
			return false;
		}
		return null;
	}

	/** Modules whose quotas the attributes show, in display order. @return string[] */
	public static function modules( array $atts ): array {
		$out = [];
		foreach ( self::MODULES as $attr => $module ) {
			if ( ! empty( $atts[ $attr ] ) ) {
				$out[] = $module;
			}
		}
		return $out;
	}

	/** A site-relative path or an http(s) URL; anything else (javascript:, data:) is dropped. */
	private static function url( string $value ): string {
		$value = trim( $value );
		if ( '' === $value ) {
			return '';
		}
		if ( str_starts_with( $value, '/' ) && ! str_starts_with( $value, '//' ) ) {
			return esc_url_raw( home_url( $value ) );
		}
		return (string) esc_url_raw( $value, [ 'http', 'https' ] );
	}
}
