<?php
namespace AipkitUsage;

defined( 'ABSPATH' ) || exit;

/**
 * One capability per action (docs/contract.md §6). Granted to administrators by default; the
 * filter `aipkit_usage_capability_roles` (cap => role names) maps them to other roles.
 *
 * Checks always go through current_user_can( <cap> ), so map_meta_cap / user_has_cap filters and
 * multisite super admins work as everywhere else in WordPress.
 */
final class Capabilities {
	public const VIEW_USAGE      = 'aipkit_view_usage';
	public const EXPORT_LOGS     = 'aipkit_export_logs';
	public const DELETE_LOGS     = 'aipkit_delete_logs';
	public const MANAGE_PRICING  = 'aipkit_manage_pricing';
	public const MANAGE_BALANCES = 'aipkit_manage_balances';
	public const MANAGE_SETTINGS = 'aipkit_manage_settings';

	/** Remembers which roles got which caps, so a changed mapping can also take caps away. */
	public const GRANTED_OPTION = 'aipkit_usage_granted_caps';

	/** Re-applies the role mapping in the admin when the filter's result changed since last time. */
	public function register(): void {
		add_action(
			'admin_init',
			static function (): void {
				$granted = get_option( self::GRANTED_OPTION, null );
				if ( is_array( $granted ) && self::normalise( $granted ) !== self::normalise( self::role_map() ) ) {
					self::sync();
				}
			}
		);
	}

	/** @param array<string,mixed> $map */
	private static function normalise( array $map ): array {
		$out = [];
		foreach ( self::all() as $cap ) {
			$roles = array_map( 'strval', (array) ( $map[ $cap ] ?? [] ) );
			sort( $roles );
			$out[ $cap ] = $roles;
		}
		return $out;
	}

	/** @return string[] */
	public static function all(): array {
		return [ self::VIEW_USAGE, self::EXPORT_LOGS, self::DELETE_LOGS, self::MANAGE_PRICING, self::MANAGE_BALANCES, self::MANAGE_SETTINGS ];
	}

	/** @return array<string,string[]> cap => roles */
	public static function role_map(): array {
		$map = [];
		foreach ( self::all() as $cap ) {
			$map[ $cap ] = [ 'administrator' ];
		}
		/**
		 * Filters which roles receive each aipkit-usage capability on activation/upgrade.
		 *
		 * @param array<string,string[]> $map cap => role names.
		 */
		$filtered = apply_filters( 'aipkit_usage_capability_roles', $map );
		$out      = [];
		foreach ( self::all() as $cap ) {
			$roles       = is_array( $filtered ) && isset( $filtered[ $cap ] ) ? (array) $filtered[ $cap ] : [];
			$out[ $cap ] = array_values( array_filter( array_map( 'strval', $roles ) ) );
		}
		return $out;
	}

	/** Grants the mapped caps and removes caps this plugin granted earlier but no longer maps. */
	public static function sync(): void {
		$previous = get_option( self::GRANTED_OPTION, [] );
		$previous = is_array( $previous ) ? $previous : [];
		$granted  = [];
		foreach ( self::role_map() as $cap => $roles ) {
			foreach ( $roles as $role_name ) {
				$role = get_role( $role_name );
				if ( $role && ! $role->has_cap( $cap ) ) {
					$role->add_cap( $cap );
				}
			}
			$granted[ $cap ] = $roles;
			foreach ( (array) ( $previous[ $cap ] ?? [] ) as $old_role ) {
				if ( ! in_array( $old_role, $roles, true ) ) {
					$role = get_role( (string) $old_role );
					if ( $role ) {
						$role->remove_cap( $cap );
					}
				}
			}
		}
		update_option( self::GRANTED_OPTION, $granted, false );
	}

	/** Removes every aipkit capability from every role (uninstall). */
	public static function remove_all(): void {
		foreach ( wp_roles()->role_objects as $role ) {
			foreach ( self::all() as $cap ) {
				if ( $role->has_cap( $cap ) ) {
					$role->remove_cap( $cap );
				}
			}
		}
		delete_option( self::GRANTED_OPTION );
	}

	public static function current_user_can( string $cap ): bool {
		return current_user_can( $cap );
	}
}
