<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only table names (Tables, $wpdb->users), integer lists cast with intval and conditions built with prepare().

use AipkitUsage\Core\Gateway;
use WP_Error;

/**
 * CSV export, one row per exchange, streamed page by page (keyset on the primary key, 1,000 rows
 * per page): memory stays flat whatever the row count. Each page becomes CSV in one core call
 * (csv_rows: RFC 4180, CRLF, formula cells neutralised). The file starts with a UTF-8 BOM so
 * spreadsheet programs read non-ASCII text correctly; parsers that do not expect it can strip it.
 */
final class CsvExporter {
	public const PAGE = 1000;
	public const BOM  = "\xEF\xBB\xBF";

	public static function header_row(): array {
		return [
			'Log ID',
			'Conversation ID',
			'Date (UTC)',
			'Module',
			'Bot',
			'User',
			'Provider',
			'Model',
			'Input tokens',
			'Output tokens',
			'Credits',
			'Top vector score (%)',
			'User message',
			'Reply',
		];
	}

	public static function filename( int $now ): string {
		$site = sanitize_title( get_bloginfo( 'name' ) );
		return ( '' !== $site ? $site : 'site' ) . '-logs-' . gmdate( 'Y-m-d', $now ) . '.csv';
	}

	/** Checks the core can build CSV before anything is sent. @return true|WP_Error */
	public static function preflight() {
		$r = Gateway::instance()->csv_rows( [ 'rows' => [ self::header_row() ] ] );
		return is_wp_error( $r ) ? $r : true;
	}

	/**
	 * @param callable $write receives each chunk of bytes
	 * @return int|WP_Error rows written
	 */
	public static function stream( Filters $f, callable $write ) {
		global $wpdb;
		$head = Gateway::instance()->csv_rows( [ 'rows' => [ self::header_row() ] ] );
		if ( is_wp_error( $head ) ) {
			return $head;
		}
		$write( self::BOM . $head['csv'] );
		$l     = Tables::logs();
		$where = LogQuery::log_where( $f );
		$after = 0;
		$total = 0;
		$bots  = Catalog::registered_bots();
		$users = [];
		do {
			$rows = $wpdb->get_results(
				$wpdb->prepare(
					"SELECT l.id, l.conversation_id, l.created_at, l.module, l.bot_id, l.user_id, l.guest_key, l.provider, l.model,
						l.input_tokens, l.output_tokens, l.credits, l.top_score, l.user_message, l.reply
					FROM {$l} l WHERE l.id > %d {$where} ORDER BY l.id LIMIT %d",
					$after,
					self::PAGE
				),
				ARRAY_A
			);
			if ( ! $rows ) {
				break;
			}
			$users = self::user_names( $rows, $users );
			$cells = [];
			foreach ( $rows as $r ) {
				$uid     = (int) $r['user_id'];
				$cells[] = [
					$r['id'],
					$r['conversation_id'],
					ConversationList::iso( $r['created_at'] ),
					$r['module'],
					'' === $r['bot_id'] ? '' : ( $bots[ $r['bot_id'] ] ?? $r['bot_id'] ),
					$uid ? ( $users[ $uid ] ?? 'User #' . $uid ) : trim( 'Guest ' . $r['guest_key'] ),
					$r['provider'],
					$r['model'],
					$r['input_tokens'],
					$r['output_tokens'],
					$r['credits'],
					null === $r['top_score'] ? '' : $r['top_score'],
					$r['user_message'],
					$r['reply'],
				];
			}
			$after = (int) end( $rows )['id'];
			$n     = count( $rows );
			$rows  = null;
			$csv   = Gateway::instance()->csv_rows( [ 'rows' => $cells ] );
			$cells = null;
			if ( is_wp_error( $csv ) ) {
				return $csv;
			}
			$write( $csv['csv'] );
			$total += $n;
			$wpdb->flush();
		} while ( self::PAGE === $n );
		return $total;
	}

	/** Display names for the page's users, cached across pages but capped so memory stays bounded. */
	private static function user_names( array $rows, array $known ): array {
		if ( count( $known ) > 5000 ) {
			$known = [];
		}
		$need = [];
		foreach ( $rows as $r ) {
			$uid = (int) $r['user_id'];
			if ( $uid && ! isset( $known[ $uid ] ) ) {
				$need[ $uid ] = true;
			}
		}
		if ( $need ) {
			global $wpdb;
			$in = implode( ',', array_keys( $need ) );
			foreach ( $wpdb->get_results( "SELECT ID, display_name FROM {$wpdb->users} WHERE ID IN ({$in})" ) as $u ) {
				$known[ (int) $u->ID ] = $u->display_name;
			}
		}
		return $known;
	}
}
