<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and conditions built with prepare().

/**
 * Personal data exporter and eraser for a user's logs (Tools > Export/Erase Personal Data).
 * Both page through the user's rows by id, 100 at a time, as WordPress calls them repeatedly.
 * The user's credit ledger is exported too (LedgerPrivacy) and, being a financial record, kept
 * by the eraser, which then reports items_retained with the reason.
 */
final class Privacy {
	private const PAGE = 100;

	public static function register(): void {
		add_filter( 'wp_privacy_personal_data_exporters', [ self::class, 'add_exporter' ] );
		add_filter( 'wp_privacy_personal_data_erasers', [ self::class, 'add_eraser' ] );
	}

	public static function add_exporter( array $exporters ): array {
		$exporters['aipkit-usage-logs']   = [
			'exporter_friendly_name' => __( 'AI Puffer logs', 'aipkit-usage' ),
			'callback'               => [ self::class, 'export' ],
		];
		$exporters['aipkit-usage-ledger'] = [
			'exporter_friendly_name' => __( 'AI Puffer credits ledger', 'aipkit-usage' ),
			'callback'               => [ LedgerPrivacy::class, 'export' ],
		];
		return $exporters;
	}

	public static function add_eraser( array $erasers ): array {
		$erasers['aipkit-usage-logs'] = [
			'eraser_friendly_name' => __( 'AI Puffer logs', 'aipkit-usage' ),
			'callback'             => [ self::class, 'erase' ],
		];
		return $erasers;
	}

	public static function export( string $email, int $page = 1 ): array {
		$user = get_user_by( 'email', $email );
		if ( ! $user ) {
			return [
				'data' => [],
				'done' => true,
			];
		}
		global $wpdb;
		$l    = Tables::logs();
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT id, created_at, module, bot_id, provider, model, user_message, reply, credits FROM {$l}
				WHERE user_id = %d ORDER BY id LIMIT %d OFFSET %d",
				$user->ID,
				self::PAGE,
				( max( 1, $page ) - 1 ) * self::PAGE
			),
			ARRAY_A
		);
		$data = [];
		foreach ( $rows as $r ) {
			$data[] = [
				'group_id'    => 'aipkit-usage-logs',
				'group_label' => __( 'AI Puffer logs', 'aipkit-usage' ),
				'item_id'     => 'aipkit-log-' . $r['id'],
				'data'        => [
					[
						'name'  => __( 'Date (UTC)', 'aipkit-usage' ),
						'value' => $r['created_at'],
					],
					[
						'name'  => __( 'Module', 'aipkit-usage' ),
						'value' => $r['module'],
					],
					[
						'name'  => __( 'Bot', 'aipkit-usage' ),
						'value' => $r['bot_id'],
					],
					[
						'name'  => __( 'Provider', 'aipkit-usage' ),
						'value' => $r['provider'],
					],
					[
						'name'  => __( 'Model', 'aipkit-usage' ),
						'value' => $r['model'],
					],
					[
						'name'  => __( 'Message', 'aipkit-usage' ),
						'value' => $r['user_message'],
					],
					[
						'name'  => __( 'Reply', 'aipkit-usage' ),
						'value' => $r['reply'],
					],
					[
						'name'  => __( 'Credits', 'aipkit-usage' ),
						'value' => $r['credits'],
					],
				],
			];
		}
		return [
			'data' => $data,
			'done' => count( $rows ) < self::PAGE,
		];
	}

	// phpcs:ignore Generic.CodeAnalysis.UnusedFunctionParameter.FoundAfterLastUsed -- WordPress passes the page; each call erases the first remaining batch.
	public static function erase( string $email, int $page = 1 ): array {
		$user = get_user_by( 'email', $email );
		if ( ! $user ) {
			return [
				'items_removed'  => false,
				'items_retained' => false,
				'messages'       => [],
				'done'           => true,
			];
		}
		global $wpdb;
		$l    = Tables::logs();
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT id, conversation_id FROM {$l} WHERE user_id = %d ORDER BY id LIMIT %d", $user->ID, LogDeleter::BATCH ),
			ARRAY_A
		);
		$n    = $rows ? LogDeleter::delete_rows( $rows ) : 0;
		if ( is_wp_error( $n ) ) {
			return [
				'items_removed'  => false,
				'items_retained' => true,
				'messages'       => [ $n->get_error_message() ],
				'done'           => true,
			];
		}
		$done     = count( $rows ) < LogDeleter::BATCH;
		$retained = $done ? LedgerPrivacy::retained_message( (int) $user->ID ) : null;
		return [
			'items_removed'  => $n > 0,
			// The ledger (amounts, order links, notes) is a financial record and is kept: say so.
			'items_retained' => null !== $retained,
			'messages'       => null !== $retained ? [ $retained ] : [],
			'done'           => $done,
		];
	}
}
