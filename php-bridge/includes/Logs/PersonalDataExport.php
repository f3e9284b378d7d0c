<?php
namespace AipkitUsage\Logs;

defined( 'ABSPATH' ) || exit;

/**
 * The shape both personal data exporters share (logs in Privacy, the credits ledger in LedgerPrivacy):
 * WordPress calls an exporter again and again with page 1, 2, … until it answers done; each call
 * reads the next PAGE rows of the user's, one export item per row, one name/value pair per column.
 */
final class PersonalDataExport {
	public const PAGE = 100;

	/** The answer for an e-mail address that belongs to no user. */
	public const NOTHING = [
		'data' => [],
		'done' => true,
	];

	/**
	 * One page of the user's rows. $sql's placeholders: the user id, then LIMIT and OFFSET.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public static function rows( string $sql, int $user_id, int $page ): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- $sql is the caller's fixed query over our own table; the values go through prepare() here.
		return $wpdb->get_results( $wpdb->prepare( $sql, $user_id, self::PAGE, ( max( 1, $page ) - 1 ) * self::PAGE ), ARRAY_A );
	}

	/**
	 * Export items for $rows: item ids $item_prefix . id, a pair for each column of $labels (column =>
	 * translated name) in that order. $value( $column, $raw ) formats a value and leaves the pair out
	 * by returning null; without it every column is exported as stored.
	 *
	 * @param array{0:string,1:string} $group group id and its translated label
	 */
	public static function items( array $rows, array $group, string $item_prefix, array $labels, ?callable $value = null ): array {
		$items = [];
		foreach ( $rows as $r ) {
			$pairs = [];
			foreach ( $labels as $col => $name ) {
				$v = $value ? $value( $col, $r[ $col ] ) : $r[ $col ];
				if ( null === $v && $value ) {
					continue;
				}
				$pairs[] = [
					'name'  => $name,
					'value' => $v,
				];
			}
			$items[] = [
				'group_id'    => $group[0],
				'group_label' => $group[1],
				'item_id'     => $item_prefix . $r['id'],
				'data'        => $pairs,
			];
		}
		return $items;
	}

	/** The exporter's answer: done once a page came back short. */
	public static function answer( array $data, array $rows ): array {
		return [
			'data' => $data,
			'done' => count( $rows ) < self::PAGE,
		];
	}
}
