<?php
namespace AipkitUsage\Billing;

/**
 * Users for the search-as-you-type picker: matches on login, email, display name and nicename,
 * at most LIMIT rows, so the answer costs the same on a site with a million users.
 */
final class UserSearch {
	public const LIMIT = 20;

	/**
	 * @param string $term    what the person typed (empty: the first users by name)
	 * @param int[]  $ids     ids to return whatever the term (the picker's current value)
	 * @return array<int,array{id:int,name:string,email:string,login:string}>
	 */
	public static function find( string $term, array $ids = [] ): array {
		$args = [
			'number'      => self::LIMIT,
			'orderby'     => 'display_name',
			'fields'      => [ 'ID', 'display_name', 'user_email', 'user_login' ],
			'count_total' => false,
		];
		$ids  = array_values( array_filter( array_map( 'intval', $ids ) ) );
		if ( $ids ) {
			$args['include'] = $ids;
		} else {
			$term = trim( $term );
			if ( '' !== $term ) {
				// Leading and trailing wildcards: "ali" finds "Alice" and "malik@example.test".
				$args['search']         = '*' . $term . '*';
				$args['search_columns'] = [ 'user_login', 'user_email', 'display_name', 'user_nicename' ];
			}
		}
		$out = [];
		foreach ( ( new \WP_User_Query( $args ) )->get_results() as $u ) {
			$out[] = [
				'id'    => (int) $u->ID,
				'name'  => (string) $u->display_name,
				'email' => (string) $u->user_email,
				'login' => (string) $u->user_login,
			];
		}
		return $out;
	}
}
