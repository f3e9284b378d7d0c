<?php
namespace AipkitUsage\Billing;

use WP_Error;

/**
 * Billing > Activity: the four cards, a per-day series and the ledger list for a time range.
 * Every figure is an SQL aggregate over the indexed created_at range (KEY kind_created / created_id),
 * so the summary stays fast at a million rows.
 */
final class Activity {
	public const PAGE = 50;

	/** @return array{from:string,to:string}|WP_Error UTC DATETIME bounds, to exclusive */
	public static function range( string $range, string $from = '', string $to = '' ) {
		if ( 'custom' === $range ) {
			$tz = wp_timezone();
			$f  = \DateTimeImmutable::createFromFormat( '!Y-m-d', $from, $tz );
			$t  = \DateTimeImmutable::createFromFormat( '!Y-m-d', $to, $tz );
			if ( ! $f || $f->format( 'Y-m-d' ) !== $from ) {
				return new WP_Error( 'aipkit_invalid_date', __( 'from must be a date (YYYY-MM-DD).', 'aipkit-usage' ), [ 'status' => 400, 'field' => 'from' ] );
			}
			if ( ! $t || $t->format( 'Y-m-d' ) !== $to ) {
				return new WP_Error( 'aipkit_invalid_date', __( 'to must be a date (YYYY-MM-DD).', 'aipkit-usage' ), [ 'status' => 400, 'field' => 'to' ] );
			}
			if ( $t < $f ) {
				return new WP_Error( 'aipkit_invalid_date', __( 'to must not be before from.', 'aipkit-usage' ), [ 'status' => 400, 'field' => 'to' ] );
			}
			$utc = new \DateTimeZone( 'UTC' );
			return [ 'from' => $f->setTimezone( $utc )->format( 'Y-m-d H:i:s' ), 'to' => $t->modify( '+1 day' )->setTimezone( $utc )->format( 'Y-m-d H:i:s' ) ];
		}
		if ( ! in_array( $range, [ '7', '30', '90' ], true ) ) {
			return new WP_Error( 'aipkit_invalid_range', __( 'range must be 7, 30, 90 or custom.', 'aipkit-usage' ), [ 'status' => 400, 'field' => 'range' ] );
		}
		return [ 'from' => gmdate( 'Y-m-d H:i:s', time() - (int) $range * DAY_IN_SECONDS ), 'to' => gmdate( 'Y-m-d H:i:s', time() + 1 ) ];
	}

	public static function summary( array $r ): array {
		global $wpdb;
		$l   = Tables::ledger();
		$row = $wpdb->get_row(
			$wpdb->prepare(
				"SELECT
				   (SELECT COALESCE(SUM(amount), 0) FROM $l WHERE kind = 'purchase' AND created_at >= %s AND created_at < %s)
				 + (SELECT COALESCE(SUM(amount), 0) FROM $l WHERE kind = 'admin_adjustment' AND amount > 0 AND created_at >= %s AND created_at < %s) AS credits_added,
				   (SELECT COALESCE(-SUM(amount), 0) FROM $l WHERE kind = 'usage' AND created_at >= %s AND created_at < %s) AS balance_debited,
				   (SELECT COUNT(*) FROM $l WHERE kind = 'usage' AND amount = 0 AND created_at >= %s AND created_at < %s) AS quota_only_entries,
				   (SELECT COALESCE(SUM(quota_amount), 0) FROM $l WHERE kind = 'usage' AND amount = 0 AND created_at >= %s AND created_at < %s) AS quota_only_credits,
				   (SELECT COALESCE(SUM(uncovered), 0) FROM $l WHERE kind = 'usage' AND created_at >= %s AND created_at < %s) AS uncovered,
				   (SELECT COUNT(*) FROM $l WHERE created_at >= %s AND created_at < %s) AS entries",
				array_merge( ...array_fill( 0, 7, [ $r['from'], $r['to'] ] ) )
			),
			ARRAY_A
		);
		return [
			'credits_added'      => Decimal::db( $row['credits_added'] ),
			'balance_debited'    => Decimal::db( $row['balance_debited'] ),
			'quota_only_usage'   => Decimal::db( $row['quota_only_credits'] ),
			'quota_only_entries' => (int) $row['quota_only_entries'],
			'uncovered'          => Decimal::db( $row['uncovered'] ),
			'ledger_entries'     => (int) $row['entries'],
		];
	}

	/** Per local day: added, debited, quota usage, entries. */
	public static function series( array $r ): array {
		global $wpdb;
		$l      = Tables::ledger();
		$offset = (int) wp_timezone()->getOffset( new \DateTimeImmutable( $r['from'] . ' UTC' ) );
		$rows   = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT DATE(created_at + INTERVAL %d SECOND) AS day,
				        SUM(CASE WHEN kind = 'purchase' OR (kind = 'admin_adjustment' AND amount > 0) THEN amount ELSE 0 END) AS added,
				        SUM(CASE WHEN kind = 'usage' THEN -amount ELSE 0 END) AS debited,
				        SUM(CASE WHEN kind = 'usage' THEN quota_amount ELSE 0 END) AS quota,
				        COUNT(*) AS entries
				 FROM $l WHERE created_at >= %s AND created_at < %s GROUP BY day ORDER BY day",
				$offset,
				$r['from'],
				$r['to']
			),
			ARRAY_A
		) ?: [];
		return array_map(
			static fn( $x ) => [ 'day' => $x['day'], 'added' => Decimal::db( $x['added'] ), 'debited' => Decimal::db( $x['debited'] ), 'quota' => Decimal::db( $x['quota'] ), 'entries' => (int) $x['entries'] ],
			$rows
		);
	}

	/**
	 * Newest first, keyset paged on (created_at, id) so page 1,000 costs what page 1 costs.
	 *
	 * @param array $f kind, user_id, before (cursor "Y-m-d H:i:s|id"), limit
	 */
	public static function entries( array $r, array $f ): array {
		global $wpdb;
		$l     = Tables::ledger();
		$where = [ $wpdb->prepare( 'l.created_at >= %s AND l.created_at < %s', $r['from'], $r['to'] ) ];
		if ( ! empty( $f['kind'] ) ) {
			$where[] = $wpdb->prepare( 'l.kind = %s', $f['kind'] );
		}
		if ( ! empty( $f['user_id'] ) ) {
			$where[] = $wpdb->prepare( 'l.user_id = %d', $f['user_id'] );
		}
		if ( ! empty( $f['before'] ) && preg_match( '/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|(\d+)$/', $f['before'], $m ) ) {
			$where[] = $wpdb->prepare( '(l.created_at, l.id) < (%s, %d)', $m[1], $m[2] );
		}
		$limit = max( 1, min( 500, (int) ( $f['limit'] ?? self::PAGE ) ) );
		$rows  = $wpdb->get_results(
			"SELECT l.*, u.display_name, u.user_email, a.display_name AS actor_name FROM $l l
			 LEFT JOIN {$wpdb->users} u ON u.ID = l.user_id LEFT JOIN {$wpdb->users} a ON a.ID = l.actor_id
			 WHERE " . implode( ' AND ', $where ) . ' ORDER BY l.created_at DESC, l.id DESC LIMIT ' . ( $limit + 1 ),
			ARRAY_A
		) ?: [];
		$more = count( $rows ) > $limit;
		$rows = array_slice( $rows, 0, $limit );
		$last = end( $rows );
		return [
			'items'       => array_map( [ self::class, 'item' ], $rows ),
			'next_cursor' => $more && $last ? $last['created_at'] . '|' . $last['id'] : null,
		];
	}

	public static function item( array $x ): array {
		$x = Ledger::shape( $x );
		foreach ( [ 'amount', 'quota_amount', 'uncovered' ] as $k ) {
			$x[ $k ] = Decimal::db( $x[ $k ] );
		}
		$x['balance_after'] = null === $x['balance_after'] ? null : Decimal::db( $x['balance_after'] );
		return $x;
	}

	/** CSV of the filtered ledger, streamed page by page; cells neutralised by the core. */
	public static function csv( array $r, array $f, callable $write ): void {
		$head = [ 'id', 'created_at', 'kind', 'user_id', 'user', 'email', 'amount', 'quota_amount', 'uncovered', 'balance_after', 'module', 'bot_id', 'usage_type', 'provider', 'model', 'input_tokens', 'output_tokens', 'order_id', 'actor', 'note' ];
		$csv  = Core::csv( [ $head ] );
		$write( is_wp_error( $csv ) ? '' : $csv );
		$f['limit'] = 500;
		do {
			$page = self::entries( $r, $f );
			$rows = [];
			foreach ( $page['items'] as $x ) {
				$rows[] = array_map(
					'strval',
					[ $x['id'], $x['created_at'], $x['kind'], $x['user_id'], $x['display_name'] ?? '', $x['user_email'] ?? '', $x['amount'], $x['quota_amount'], $x['uncovered'], $x['balance_after'] ?? '', $x['module'], $x['bot_id'], $x['usage_type'], $x['provider'], $x['model'], $x['input_tokens'], $x['output_tokens'], $x['order_id'] ?? '', $x['actor_name'] ?? '', $x['note'] ?? '' ]
				);
			}
			if ( $rows ) {
				$csv = Core::csv( $rows );
				$write( is_wp_error( $csv ) ? '' : $csv );
			}
			$f['before'] = $page['next_cursor'];
		} while ( $page['next_cursor'] );
	}
}
