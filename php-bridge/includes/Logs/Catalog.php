<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and condition strings built with prepare() (LogQuery, WordMatch, TermIndex).

/**
 * Which modules and bots the filters offer: those registered by modules through the
 * `aipkit_usage_bots` / `aipkit_usage_modules` filters plus those seen in the logs
 * (DISTINCT over the conversation indexes: a loose index scan, not a table scan).
 */
final class Catalog {
	/** @return array<string,string> bot id => name */
	public static function registered_bots(): array {
		return array_map(
			static function ( $b ) {
				return $b['name'];
			},
			self::registered_bot_details()
		);
	}

	/**
	 * Bots as modules register them through `aipkit_usage_bots`: the documented shape is a list of
	 * `{module, bot_id, name, usage_types}`; `{id, name}` items and `id => name` pairs are read too.
	 *
	 * @return array<string,array{name:string,module:string}> bot id => name and module ('' unknown)
	 */
	public static function registered_bot_details(): array {
		$out = [];
		foreach ( (array) apply_filters( 'aipkit_usage_bots', [] ) as $k => $v ) {
			if ( is_object( $v ) ) {
				$v = get_object_vars( $v );
			}
			if ( is_array( $v ) ) {
				$id = $v['bot_id'] ?? $v['id'] ?? null;
				if ( null === $id || ! is_scalar( $id ) || '' === (string) $id ) {
					continue;
				}
				$name                = $v['name'] ?? $v['title'] ?? $id;
				$out[ (string) $id ] = [
					'name'   => is_scalar( $name ) && '' !== (string) $name ? (string) $name : (string) $id,
					'module' => isset( $v['module'] ) && is_scalar( $v['module'] ) ? (string) $v['module'] : '',
				];
			} elseif ( is_scalar( $v ) ) {
				$out[ (string) $k ] = [
					'name'   => (string) $v,
					'module' => '',
				];
			}
		}
		return $out;
	}

	/**
	 * Every bot the filters offer, registered first, then those seen in the logs, each with its
	 * module so the screen can group them (chatbot / AI forms / image generator) and show names.
	 *
	 * @return list<array{id:string,name:string,module:string,module_name:string,registered:bool}>
	 */
	public static function bot_list(): array {
		global $wpdb;
		$mods = self::modules();
		$bots = [];
		foreach ( self::registered_bot_details() as $id => $b ) {
			$bots[ $id ] = $b + [ 'registered' => true ];
		}
		$t = Tables::conversations();
		foreach ( $wpdb->get_results( "SELECT DISTINCT bot_id, module FROM {$t} WHERE bot_id <> '' ORDER BY bot_id LIMIT 500", ARRAY_A ) as $r ) {
			if ( ! isset( $bots[ $r['bot_id'] ] ) ) {
				$bots[ $r['bot_id'] ] = [
					'name'       => $r['bot_id'],
					'module'     => $r['module'],
					'registered' => false,
				];
			} elseif ( '' === $bots[ $r['bot_id'] ]['module'] ) {
				$bots[ $r['bot_id'] ]['module'] = $r['module'];
			}
		}
		$out = [];
		foreach ( $bots as $id => $b ) {
			$out[] = [
				'id'          => (string) $id,
				'name'        => $b['name'],
				'module'      => $b['module'],
				'module_name' => '' === $b['module'] ? '' : ( $mods[ $b['module'] ] ?? $b['module'] ),
				'registered'  => $b['registered'],
			];
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
