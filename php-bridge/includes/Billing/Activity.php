<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * Billing > Activity: the four cards, a per-day series and the ledger list for a time range.
 * Every figure is an SQL aggregate: final days from the per-day rollup, open days live.
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
				return new WP_Error(
					'aipkit_invalid_date',
					__( 'from must be a date (YYYY-MM-DD).', 'aipkit-usage' ),
					[
						'status' => 400,
						'field'  => 'from',
					]
				);
			}
			if ( ! $t || $t->format( 'Y-m-d' ) !== $to ) {
				return new WP_Error(
					'aipkit_invalid_date',
					__( 'to must be a date (YYYY-MM-DD).', 'aipkit-usage' ),
					[
						'status' => 400,
						'field'  => 'to',
					]
				);
			}
			if ( $t < $f ) {
				return new WP_Error(
					'aipkit_invalid_date',
					__( 'to must not be before from.', 'aipkit-usage' ),
					[
						'status' => 400,
						'field'  => 'to',
					]
				);
			}
			$utc = new \DateTimeZone( 'UTC' );
			return [
				'from' => $f->setTimezone( $utc )->format( 'Y-m-d H:i:s' ),
				'to'   => $t->modify( '+1 day' )->setTimezone( $utc )->format( 'Y-m-d H:i:s' ),
			];
		}
		if ( ! in_array( $range, [ '7', '30', '90' ], true ) ) {
			return new WP_Error(
				'aipkit_invalid_range',
				__( 'range must be 7, 30, 90 or custom.', 'aipkit-usage' ),
				[
					'status' => 400,
					'field'  => 'range',
				]
			);
		}
		return [
			'from' => gmdate( 'Y-m-d H:i:s', time() - (int) $range * DAY_IN_SECONDS ),
			'to'   => gmdate( 'Y-m-d H:i:s', time() + 1 ),
		];
	}

	/** The four cards (and the uncovered total) for the range. */
	public static function summary( array $r ): array {
		return self::aggregate( $r )['cards'];
	}

	/** Per local day: added, debited, quota usage, entries. */
	public static function series( array $r ): array {
		return self::aggregate( $r )['series'];
	}

	/**
	 * Cards and per-day series. Final days come from the per-day rollup (ActivityRollup), the
	 * open edges of the range live from KEY activity_cover, so the cost does not grow with the
	 * range; WITH ROLLUP gives the totals row. Sums stay in DECIMAL.
	 */
	public static function aggregate( array $r ): array {
		return self::shape( ActivityRollup::days( $r ) );
	}

	/** Same figures computed straight from the ledger (reference for tests and benchmarks). */
	public static function direct( array $r ): array {
		return self::shape( ActivityRollup::direct_days( $r ) );
	}

	private static function shape( array $days ): array {
		$total  = $days[''] ?? null;
		$series = [];
		foreach ( $days as $day => $x ) {
			if ( '' === $day || 0 === (int) $x['entries'] ) {
				continue;
			}
			$series[] = [
				'day'     => (string) $day,
				'added'   => Decimal::db( $x['added'] ),
				'debited' => Decimal::db( $x['debited'] ),
				'quota'   => Decimal::db( $x['quota'] ),
				'entries' => (int) $x['entries'],
			];
		}
		$cards = [
			'credits_added'      => Decimal::db( $total['added'] ?? '0' ),
			'balance_debited'    => Decimal::db( $total['debited'] ?? '0' ),
			'quota_only_usage'   => Decimal::db( $total['quota_only'] ?? '0' ),
			'quota_only_entries' => (int) ( $total['quota_only_entries'] ?? 0 ),
			'uncovered'          => Decimal::db( $total['uncovered'] ?? '0' ),
			'ledger_entries'     => (int) ( $total['entries'] ?? 0 ),
		];
		return [
			'cards'  => $cards,
			'series' => $series,
		];
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
		$more  = count( $rows ) > $limit;
		$rows  = array_slice( $rows, 0, $limit );
		$last  = end( $rows );
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
		$csv  = Gateway::instance()->csv_rows( [ 'rows' => [ $head ] ] );
		$write( is_wp_error( $csv ) ? '' : (string) $csv['csv'] );
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
				$csv = Gateway::instance()->csv_rows( [ 'rows' => $rows ] );
				$write( is_wp_error( $csv ) ? '' : (string) $csv['csv'] );
			}
			$f['before'] = $page['next_cursor'];
		} while ( $page['next_cursor'] );
	}
}
