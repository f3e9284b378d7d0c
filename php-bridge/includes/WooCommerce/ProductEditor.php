<?php
namespace AipkitUsage\WooCommerce;

defined( 'ABSPATH' ) || exit;

/**
 * The product editor's "AI Puffer: Credit Package" panel (flag + credits per quantity), the variation
 * override (blank = the product's amount) and the "AI credits" column of the products list.
 * WooCommerce checks its own nonce and capability before the save hooks run.
 */
final class ProductEditor {
	public function register(): void {
		add_filter( 'woocommerce_product_data_tabs', [ self::class, 'tab' ] );
		add_action( 'woocommerce_product_data_panels', [ self::class, 'panel' ] );
		add_action( 'woocommerce_admin_process_product_object', [ self::class, 'save' ] );
		add_action( 'woocommerce_variation_options_pricing', [ self::class, 'variation_field' ], 10, 3 );
		add_action( 'woocommerce_admin_process_variation_object', [ self::class, 'save_variation' ], 10, 2 );
		add_filter( 'manage_edit-product_columns', [ self::class, 'columns' ], 20 );
		add_action( 'manage_product_posts_custom_column', [ self::class, 'column' ], 10, 2 );
	}

	public static function tab( $tabs ) {
		$tabs['aipkit_credits'] = [
			'label'    => __( 'AI Puffer: Credit Package', 'aipkit-usage' ),
			'target'   => 'aipkit_credit_package_data',
			'class'    => [],
			'priority' => 75,
		];
		return $tabs;
	}

	public static function panel(): void {
		global $product_object;
		$product = $product_object instanceof \WC_Product ? $product_object : null;
		echo '<div id="aipkit_credit_package_data" class="panel woocommerce_options_panel hidden"><div class="options_group">';
		woocommerce_wp_checkbox(
			[
				'id'                => CreditPackage::FLAG,
				'label'             => __( 'Credit package', 'aipkit-usage' ),
				'description'       => __( 'Sell this product as an AI Puffer credit package', 'aipkit-usage' ),
				'value'             => $product ? ( 'yes' === $product->get_meta( CreditPackage::FLAG ) ? 'yes' : 'no' ) : 'no',
				// The sentence beside the box is what it does; screen readers get it as the name.
				'custom_attributes' => [ 'aria-label' => __( 'Sell this product as an AI Puffer credit package', 'aipkit-usage' ) ],
			]
		);
		woocommerce_wp_text_input(
			[
				'id'                => CreditPackage::CREDITS,
				'label'             => __( 'Credits Granted Per Quantity', 'aipkit-usage' ),
				'description'       => __( 'AI credits added to the buyer’s balance for each unit bought, when the order is completed. A number greater than 0 with at most 6 decimal places. Variations may set their own amount.', 'aipkit-usage' ),
				'desc_tip'          => false,
				'value'             => $product ? self::shown( (string) $product->get_meta( CreditPackage::CREDITS ) ) : '',
				'placeholder'       => '100',
				'custom_attributes' => [ 'inputmode' => 'decimal' ],
			]
		);
		echo '</div></div>';
	}

	/** @param \WC_Product $product */
	public static function save( $product ): void {
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- WooCommerce verified its meta box nonce before this hook.
		$flag  = isset( $_POST[ CreditPackage::FLAG ] ) ? 'yes' : 'no';
		$value = isset( $_POST[ CreditPackage::CREDITS ] ) ? sanitize_text_field( wp_unslash( $_POST[ CreditPackage::CREDITS ] ) ) : '';
		// phpcs:enable
		if ( '' === trim( $value ) ) {
			if ( 'yes' === $flag ) {
				\WC_Admin_Meta_Boxes::add_error( __( 'AI Puffer: Credit Package was not saved: enter the Credits Granted Per Quantity.', 'aipkit-usage' ) );
				return;
			}
			$product->update_meta_data( CreditPackage::FLAG, 'no' );
			$product->delete_meta_data( CreditPackage::CREDITS );
			return;
		}
		$credits = CreditPackage::validate( $value );
		if ( is_wp_error( $credits ) ) {
			/* translators: %s: why the value is not valid */
			\WC_Admin_Meta_Boxes::add_error( sprintf( __( 'AI Puffer: Credit Package was not saved: %s', 'aipkit-usage' ), $credits->get_error_message() ) );
			return;
		}
		$product->update_meta_data( CreditPackage::FLAG, $flag );
		$product->update_meta_data( CreditPackage::CREDITS, $credits );
	}

	public static function variation_field( $loop, $variation_data, $variation ): void {
		woocommerce_wp_text_input(
			[
				'id'                => CreditPackage::CREDITS . '_' . $loop,
				'name'              => CreditPackage::CREDITS . '[' . $loop . ']',
				'label'             => __( 'AI credits per quantity', 'aipkit-usage' ),
				'description'       => __( 'Blank = the product’s Credits Granted Per Quantity.', 'aipkit-usage' ),
				'desc_tip'          => true,
				'value'             => self::shown( (string) get_post_meta( $variation->ID, CreditPackage::CREDITS, true ) ),
				'wrapper_class'     => 'form-row form-row-full',
				'custom_attributes' => [ 'inputmode' => 'decimal' ],
			]
		);
	}

	/** @param \WC_Product_Variation $variation */
	public static function save_variation( $variation, $i ): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- WooCommerce verified the save-variations nonce.
		$raw = isset( $_POST[ CreditPackage::CREDITS ][ $i ] ) ? sanitize_text_field( wp_unslash( $_POST[ CreditPackage::CREDITS ][ $i ] ) ) : null;
		if ( null === $raw ) {
			return;
		}
		if ( '' === trim( $raw ) ) {
			$variation->delete_meta_data( CreditPackage::CREDITS );
			return;
		}
		$credits = CreditPackage::validate( $raw );
		if ( is_wp_error( $credits ) ) {
			/* translators: 1: variation number, 2: why the value is not valid */
			\WC_Admin_Meta_Boxes::add_error( sprintf( __( 'Variation #%1$d: AI credits were not saved: %2$s', 'aipkit-usage' ), $variation->get_id(), $credits->get_error_message() ) );
			return;
		}
		$variation->update_meta_data( CreditPackage::CREDITS, $credits );
	}

	public static function columns( $columns ) {
		$out = [];
		foreach ( $columns as $key => $label ) {
			$out[ $key ] = $label;
			if ( 'price' === $key ) {
				$out['aipkit_credits'] = __( 'AI credits', 'aipkit-usage' );
			}
		}
		if ( ! isset( $out['aipkit_credits'] ) ) {
			$out['aipkit_credits'] = __( 'AI credits', 'aipkit-usage' );
		}
		return $out;
	}

	public static function column( $column, $post_id ): void {
		if ( 'aipkit_credits' !== $column ) {
			return;
		}
		$product = wc_get_product( $post_id );
		$amounts = $product ? self::amounts( $product ) : [];
		echo esc_html( $amounts ? implode( ', ', array_unique( $amounts ) ) : '–' );
	}

	/** @return string[] the credits per unit a product sells (one per variation for variable products) */
	public static function amounts( \WC_Product $product ): array {
		if ( ! CreditPackage::is_package( $product ) ) {
			return [];
		}
		if ( $product->is_type( 'variable' ) ) {
			$out = [];
			foreach ( $product->get_children() as $child_id ) {
				$child = wc_get_product( $child_id );
				if ( $child ) {
					$out[] = Amounts::display( (string) CreditPackage::credits_per_unit( $child ) );
				}
			}
			return $out;
		}
		return [ Amounts::display( (string) CreditPackage::credits_per_unit( $product ) ) ];
	}

	private static function shown( string $stored ): string {
		return '' === $stored ? '' : Amounts::display( $stored );
	}
}
