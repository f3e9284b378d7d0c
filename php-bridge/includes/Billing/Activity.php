<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Core\Gateway;
use WP_Error;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- SQL is composed only of the plugin's own table names (Tables::*), integer id lists (intval) and fragments built by $wpdb->prepare(); every value goes through prepare(). WordPress 6.1 has no %i for identifiers.

/**
 * Billing > Activity: the four cards, a per-day series and the ledger list for a time range.
 * Every figure is an SQL aggregate: final days from the per-day rollup, open days live.
 */
final class Activity {
	public const PAGE = 50;

	/** @return array{from:string,to:string}|WP_Error UTC DATETIME bounds, to exclusive */
	public static function range( string $range, string $from = '', string $to = '' ) {
		if ( 'custom' === $range ) {
			foreach ( [
				'from' => $from,
				'to'   => $to,
			] as $field => $value ) {
				// Checked before any date parsing: PHP's date functions throw on a NUL byte.
				if ( ! preg_match( '/^\d{4}-\d{2}-\d{2}$/D', $value ) ) {
					return new WP_Error(
						'aipkit_invalid_date',
						'from' === $field ? __( 'From must be a date (YYYY-MM-DD).', 'aipkit-usage' ) : __( 'To must be a date (YYYY-MM-DD).', 'aipkit-usage' ),
						[
							'status' => 400,
							'field'  => $field,
						]
					);
				}
			}
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

	/**
	 * Cards and per-day series for the range and filters (kind, user_id): the cards sum exactly
	 * the entries the list shows. Added − Removed − Debited is the net change of the balances.
	 */
	public static function aggregate( array $r, array $f = [] ): array {
		return self::shape( $r, ActivityRollup::days( $r, $f ) );
	}

	/** Same figures computed straight from the ledger (reference for tests and benchmarks). */
	public static function direct( array $r, array $f = [] ): array {
		return self::shape( $r, ActivityRollup::direct_days( $r, $f ) );
	}

	/**
	 * A database DECIMAL sum in the canonical 6-place form, whatever its size: a sum may exceed
	 * the 14 integer digits allowed for one amount and must never read as 0.
	 */
	public static function sum( $value ): string {
		$v = trim( (string) $value );
		if ( ! preg_match( '/^(-?)(\d+)(?:\.(\d*))?$/', $v, $m ) ) {
			return '0.000000';
		}
		$int  = ltrim( $m[2], '0' );
		$frac = substr( str_pad( $m[3] ?? '', 6, '0' ), 0, 6 );
		$out  = ( '' === $int ? '0' : $int ) . '.' . $frac;
		return '-' === $m[1] && ! Decimal::is_zero( $out ) ? '-' . $out : $out;
	}

	/** Every local day of the range, oldest first, zeros included. */
	private static function shape( array $r, array $days ): array {
		$total  = $days[''] ?? [];
		$zero   = '0.000000';
		$tz     = wp_timezone();
		$utc    = new \DateTimeZone( 'UTC' );
		$end    = new \DateTimeImmutable( $r['to'], $utc );
		$series = [];
		for ( $d = ( new \DateTimeImmutable( $r['from'], $utc ) )->setTimezone( $tz )->setTime( 0, 0 ); $d < $end; $d = $d->modify( 'tomorrow' ) ) {
			$day      = $d->format( 'Y-m-d' );
			$x        = $days[ $day ] ?? [];
			$series[] = [
				'day'        => $day,
				'at'         => $d->getTimestamp(),
				'added'      => self::sum( $x['added'] ?? $zero ),
				'removed'    => self::sum( $x['removed'] ?? $zero ),
				'debited'    => self::sum( $x['debited'] ?? $zero ),
				'quota'      => self::sum( $x['quota'] ?? $zero ),
				'quota_only' => self::sum( $x['quota_only'] ?? $zero ),
				'entries'    => (int) ( $x['entries'] ?? 0 ),
			];
		}
		$cards = [
			'credits_added'      => self::sum( $total['added'] ?? $zero ),
			'credits_removed'    => self::sum( $total['removed'] ?? $zero ),
			'balance_debited'    => self::sum( $total['debited'] ?? $zero ),
			'quota_only_usage'   => self::sum( $total['quota_only'] ?? $zero ),
			'quota_only_entries' => (int) ( $total['quota_only_entries'] ?? 0 ),
			'uncovered'          => self::sum( $total['uncovered'] ?? $zero ),
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
		// The index whose order is (filter, created_at, id): the newest rows of that user or kind are
		// read first and LIMIT stops the scan, instead of walking every row of the range by date.
		$index = empty( $f['user_id'] ) ? ( empty( $f['kind'] ) ? 'created_id' : 'kind_created' ) : 'user_created';
		$rows  = (array) $wpdb->get_results(
			"SELECT l.*, u.display_name, u.user_email, a.display_name AS actor_name FROM $l l FORCE INDEX ($index)
			 LEFT JOIN {$wpdb->users} u ON u.ID = l.user_id LEFT JOIN {$wpdb->users} a ON a.ID = l.actor_id
			 WHERE " . implode( ' AND ', $where ) . ' ORDER BY l.created_at DESC, l.id DESC LIMIT ' . ( $limit + 1 ),
			ARRAY_A
		);
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
		$x['at']            = strtotime( $x['created_at'] . ' UTC' );
		return $x;
	}

	/**
	 * CSV of the filtered ledger, written page by page (keyset, 500 rows) so memory stays flat.
	 * Dates in site time as ISO 8601 with the offset; amounts stay numbers, text is neutralised
	 * by the core.
	 *
	 * @return true|\WP_Error WP_Error when the core could not build a page
	 */
	public static function csv( array $r, array $f, callable $write ) {
		$head = [ 'id', 'date', 'kind', 'user_id', 'user', 'email', 'amount', 'quota_amount', 'uncovered', 'balance_after', 'module', 'bot_id', 'usage_type', 'provider', 'model', 'input_tokens', 'output_tokens', 'order_id', 'actor', 'note' ];
		$csv  = Gateway::instance()->csv_rows( [ 'rows' => [ $head ] ] );
		if ( is_wp_error( $csv ) ) {
			return $csv;
		}
		$write( (string) $csv['csv'] );
		$f['limit'] = 500;
		do {
			$page = self::entries( $r, $f );
			$rows = [];
			foreach ( $page['items'] as $x ) {
				$rows[] = array_map(
					'strval',
					[ $x['id'], wp_date( 'c', $x['at'] ), $x['kind'], $x['user_id'], $x['display_name'] ?? '', $x['user_email'] ?? '', $x['amount'], $x['quota_amount'], $x['uncovered'], $x['balance_after'] ?? '', $x['module'], $x['bot_id'], $x['usage_type'], $x['provider'], $x['model'], $x['input_tokens'], $x['output_tokens'], $x['order_id'] ?? '', $x['actor_name'] ?? '', $x['note'] ?? '' ]
				);
			}
			if ( $rows ) {
				$csv = Gateway::instance()->csv_rows( [ 'rows' => $rows ] );
				if ( is_wp_error( $csv ) ) {
					return $csv;
				}
				$write( (string) $csv['csv'] );
			}
			$f['before'] = $page['next_cursor'];
		} while ( $page['next_cursor'] );
		return true;
	}
}
