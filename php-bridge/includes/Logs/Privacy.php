<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and conditions built with prepare().

/**
 * Personal data exporter and eraser for a user's logs (Tools > Export/Erase Personal Data).
 * Both page through the user's rows by id (PersonalDataExport::PAGE, LogDeleter::BATCH at a time),
 * as WordPress calls them repeatedly.
 * The user's credit ledger is exported too (LedgerPrivacy) and, being a financial record, kept
 * by the eraser, which then reports items_retained with the reason.
 */
final class Privacy {
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
			return PersonalDataExport::NOTHING;
		}
		$l      = Tables::logs();
		$rows   = PersonalDataExport::rows(
			"SELECT id, created_at, module, bot_id, provider, model, user_message, reply, credits FROM {$l}
			WHERE user_id = %d ORDER BY id LIMIT %d OFFSET %d",
			$user->ID,
			$page
		);
		$labels = [
			'created_at'   => __( 'Date (UTC)', 'aipkit-usage' ),
			'module'       => __( 'Module', 'aipkit-usage' ),
			'bot_id'       => __( 'Bot', 'aipkit-usage' ),
			'provider'     => __( 'Provider', 'aipkit-usage' ),
			'model'        => __( 'Model', 'aipkit-usage' ),
			'user_message' => __( 'Message', 'aipkit-usage' ),
			'reply'        => __( 'Reply', 'aipkit-usage' ),
			'credits'      => __( 'Credits', 'aipkit-usage' ),
		];
		$group  = [ 'aipkit-usage-logs', __( 'AI Puffer logs', 'aipkit-usage' ) ];
		return PersonalDataExport::answer( PersonalDataExport::items( $rows, $group, 'aipkit-log-', $labels ), $rows );
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
