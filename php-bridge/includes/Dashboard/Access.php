<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Settings;

defined( 'ABSPATH' ) || exit;

/** Who may see the dashboard: logged-in users, limited to the roles of the "dashboard_roles" setting when it names any. */
final class Access {
	/** @return string|null null = allowed; 'logged_out' or 'role' = why not */
	public static function denied( int $user_id ): ?string {
		if ( $user_id <= 0 ) {
			return 'logged_out';
		}
		$roles = Settings::dashboard_roles();
		if ( ! $roles ) {
			return null;
		}
		$user = get_userdata( $user_id );
		if ( ! $user || ! array_intersect( $roles, (array) $user->roles ) ) {
			return 'role';
		}
		return null;
	}
}
