<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and conditions built with prepare().

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * One conversation with its exchanges in order, request metadata and vector items.
 * Score bands come from the core (score_band), so PHP and the browser can never disagree.
 */
final class ConversationReader {
	public const MAX_EXCHANGES = 200;

	/** @return array|WP_Error */
	public static function read( int $id, int $after = 0 ) {
		global $wpdb;
		$t    = Tables::conversations();
		$conv = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$t} WHERE id = %d", $id ), ARRAY_A );
		if ( ! $conv ) {
			return new WP_Error( 'aipkit_not_found', __( 'No such conversation (it may have been deleted).', 'aipkit-usage' ), [ 'status' => 404 ] );
		}
		$l    = Tables::logs();
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT * FROM {$l} WHERE conversation_id = %d AND id > %d ORDER BY id LIMIT %d",
				$id,
				$after,
				self::MAX_EXCHANGES + 1
			),
			ARRAY_A
		);
		$more = count( $rows ) > self::MAX_EXCHANGES;
		if ( $more ) {
			array_pop( $rows );
		}
		$names     = self::user_names( $rows );
		$exchanges = array_map(
			static function ( $r ) use ( $names ) {
				return self::exchange( $r, $names );
			},
			$rows
		);
		return [
			'conversation' => ConversationList::present( [ $conv ] )[0],
			'exchanges'    => $exchanges,
			'next_after'   => $more ? (int) end( $rows )['id'] : null,
		];
	}

	/** @return array<int,string> user id => display name for the rows' users */
	private static function user_names( array $rows ): array {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', array_column( $rows, 'user_id' ) ) ) ) );
		$out = [];
		if ( $ids ) {
			foreach ( get_users(
				[
					'include' => $ids,
					'fields'  => [ 'ID', 'display_name' ],
				]
			) as $u ) {
				$out[ (int) $u->ID ] = $u->display_name;
			}
		}
		return $out;
	}

	/**
	 * One exchange as the screen shows it, with its own user: the exchange's row, never the
	 * conversation's, says who wrote it.
	 *
	 * @param array<int,string> $names user id => display name
	 */
	public static function exchange( array $r, array $names = [] ): array {
		$meta    = json_decode( (string) $r['metadata'], true );
		$vectors = json_decode( (string) $r['vector_context'], true );
		$items   = [];
		foreach ( is_array( $vectors ) ? $vectors : [] as $v ) {
			$band    = Gateway::instance()->score_band(
				[
					'score' => (string) ( $v['score'] ?? '' ),
					'scale' => ( $v['scale'] ?? 'fraction' ) === 'percent' ? 'percent' : 'fraction',
				]
			);
			$items[] = [
				'provider' => (string) ( $v['provider'] ?? '' ),
				'source'   => (string) ( $v['source'] ?? '' ),
				'score'    => (string) ( $v['score'] ?? '' ),
				'scale'    => (string) ( $v['scale'] ?? 'fraction' ),
				'preview'  => (string) ( $v['preview'] ?? '' ),
				'percent'  => is_wp_error( $band ) ? null : $band['percent'],
				'band'     => is_wp_error( $band ) ? null : $band['band'],
				'label'    => is_wp_error( $band ) ? null : $band['label'],
			];
		}
		// The badge shows the best item's score.
		$best = null;
		foreach ( $items as $it ) {
			if ( null !== $it['percent'] && ( null === $best || (float) $it['percent'] > (float) $best['percent'] ) ) {
				$best = $it;
			}
		}
		return [
			'id'             => (int) $r['id'],
			'created_at'     => ConversationList::iso( $r['created_at'] ),
			'user_id'        => (int) $r['user_id'],
			'user_name'      => (int) $r['user_id'] ? ( $names[ (int) $r['user_id'] ] ?? sprintf( 'User #%d', (int) $r['user_id'] ) ) : '',
			'guest_key'      => (string) $r['guest_key'],
			'provider'       => $r['provider'],
			'model'          => $r['model'],
			'usage_type'     => $r['usage_type'],
			'input_tokens'   => (int) $r['input_tokens'],
			'output_tokens'  => (int) $r['output_tokens'],
			'credits'        => $r['credits'],
			'ledger_id'      => null === $r['ledger_id'] ? null : (int) $r['ledger_id'],
			'status'         => $r['status'],
			'user_message'   => $r['user_message'],
			'reply'          => $r['reply'],
			'metadata'       => is_array( $meta ) ? $meta : new \stdClass(),
			'vector_context' => $items,
			'score'          => $best ? [
				'percent' => $best['percent'],
				'band'    => $best['band'],
				'label'   => $best['label'],
			] : null,
		];
	}
}
