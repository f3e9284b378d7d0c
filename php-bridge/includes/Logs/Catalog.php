<?php
namespace AipkitUsage\Logs;

/**
 * Which modules and bots the filters offer: those registered by modules through the
 * `aipkit_usage_bots` / `aipkit_usage_modules` filters plus those seen in the logs
 * (DISTINCT over the conversation indexes: a loose index scan, not a table scan).
 */
final class Catalog {
	/** @return array<string,string> bot id => name */
	public static function registered_bots(): array {
		$out = [];
		foreach ( (array) apply_filters( 'aipkit_usage_bots', [] ) as $k => $v ) {
			if ( is_array( $v ) && isset( $v['id'] ) ) {
				$out[ (string) $v['id'] ] = (string) ( $v['name'] ?? $v['title'] ?? $v['id'] );
			} elseif ( is_object( $v ) && isset( $v->id ) ) {
				$out[ (string) $v->id ] = (string) ( $v->name ?? $v->id );
			} elseif ( is_scalar( $v ) ) {
				$out[ (string) $k ] = (string) $v;
			}
		}
		return $out;
	}

	/** @return array<string,string> module slug => label */
	public static function registered_modules(): array {
		$defaults = [
			'chatbot'         => __( 'Chatbot', 'aipkit-usage' ),
			'ai_forms'        => __( 'AI Forms', 'aipkit-usage' ),
			'content_writer'  => __( 'Content Writer', 'aipkit-usage' ),
			'image_generator' => __( 'Image Generator', 'aipkit-usage' ),
		];
		$out      = [];
		foreach ( (array) apply_filters( 'aipkit_usage_modules', $defaults ) as $k => $v ) {
			if ( is_string( $k ) && is_scalar( $v ) ) {
				$out[ $k ] = (string) $v;
			}
		}
		return $out;
	}

	/** @return array<string,string> bot id => name, registered first, then seen in logs */
	public static function bots(): array {
		global $wpdb;
		$bots = self::registered_bots();
		$t    = Tables::conversations();
		foreach ( $wpdb->get_col( "SELECT DISTINCT bot_id FROM {$t} WHERE bot_id <> '' ORDER BY bot_id LIMIT 500" ) as $id ) {
			if ( ! isset( $bots[ $id ] ) ) {
				$bots[ $id ] = $id;
			}
		}
		return $bots;
	}

	/** @return array<string,string> */
	public static function modules(): array {
		global $wpdb;
		$mods = self::registered_modules();
		$t    = Tables::conversations();
		foreach ( $wpdb->get_col( "SELECT DISTINCT module FROM {$t} ORDER BY module LIMIT 200" ) as $m ) {
			if ( ! isset( $mods[ $m ] ) ) {
				$mods[ $m ] = ucwords( str_replace( [ '_', '-' ], ' ', $m ) );
			}
		}
		return $mods;
	}

	public static function bot_known( string $bot ): bool {
		if ( isset( self::registered_bots()[ $bot ] ) ) {
			return true;
		}
		global $wpdb;
		$t = Tables::conversations();
		return (bool) $wpdb->get_var( $wpdb->prepare( "SELECT 1 FROM {$t} WHERE bot_id = %s LIMIT 1", $bot ) );
	}

	public static function module_known( string $module ): bool {
		if ( isset( self::registered_modules()[ $module ] ) ) {
			return true;
		}
		global $wpdb;
		$t = Tables::conversations();
		return (bool) $wpdb->get_var( $wpdb->prepare( "SELECT 1 FROM {$t} WHERE module = %s LIMIT 1", $module ) );
	}
}
