<?php
namespace AipkitUsage\Logs;

use AipkitUsage\Schema\Schema;

defined( 'ABSPATH' ) || exit;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables/Schema) and fixed expressions; values go through prepare().

/**
 * The user's credit ledger in a personal data export ("AI Puffer credits ledger"), and what the
 * logs eraser says about it: the ledger is kept (balances are proved from it, orders point at it),
 * so an erasure reports it as retained instead of claiming nothing was kept.
 */
final class LedgerPrivacy {
	public static function export( string $email, int $page = 1 ): array {
		$user = get_user_by( 'email', $email );
		if ( ! $user ) {
			return PersonalDataExport::NOTHING;
		}
		global $wpdb;
		$t     = Schema::table( 'ledger' );
		$rows  = PersonalDataExport::rows(
			"SELECT id, created_at, kind, amount, quota_amount, uncovered, balance_after, module, bot_id, provider, model,
				input_tokens, output_tokens, order_id, note FROM {$t} WHERE user_id = %d ORDER BY id LIMIT %d OFFSET %d",
			$user->ID,
			$page
		);
		$group = [ 'aipkit-usage-ledger', __( 'AI Puffer credits ledger', 'aipkit-usage' ) ];
		$data  = [];
		if ( 1 === max( 1, $page ) ) {
			$b = $wpdb->get_row(
				$wpdb->prepare( 'SELECT balance, held FROM ' . Schema::table( 'balances' ) . ' WHERE user_id = %d', $user->ID ),
				ARRAY_A
			);
			if ( $b ) {
				$data[] = [
					'group_id'    => $group[0],
					'group_label' => $group[1],
					'item_id'     => 'aipkit-balance-' . $user->ID,
					'data'        => [
						[
							'name'  => __( 'Credit balance', 'aipkit-usage' ),
							'value' => $b['balance'],
						],
						[
							'name'  => __( 'Credits held for requests in progress', 'aipkit-usage' ),
							'value' => $b['held'],
						],
					],
				];
			}
		}
		$labels = [
			'created_at'    => __( 'Date (UTC)', 'aipkit-usage' ),
			'kind'          => __( 'Kind', 'aipkit-usage' ),
			'amount'        => __( 'Credits', 'aipkit-usage' ),
			'quota_amount'  => __( 'Quota used', 'aipkit-usage' ),
			'uncovered'     => __( 'Uncovered', 'aipkit-usage' ),
			'balance_after' => __( 'Balance after', 'aipkit-usage' ),
			'module'        => __( 'Module', 'aipkit-usage' ),
			'bot_id'        => __( 'Bot', 'aipkit-usage' ),
			'provider'      => __( 'Provider', 'aipkit-usage' ),
			'model'         => __( 'Model', 'aipkit-usage' ),
			'input_tokens'  => __( 'Input tokens', 'aipkit-usage' ),
			'output_tokens' => __( 'Output tokens', 'aipkit-usage' ),
			'order_id'      => __( 'Order', 'aipkit-usage' ),
			'note'          => __( 'Note', 'aipkit-usage' ),
		];
		// Empty columns are left out (most entries have no tokens, order or note); dates in ISO 8601 UTC.
		$value = static function ( string $col, $v ): ?string {
			if ( null === $v || '' === (string) $v ) {
				return null;
			}
			return 'created_at' === $col ? str_replace( ' ', 'T', $v ) . 'Z' : (string) $v;
		};
		$data  = array_merge( $data, PersonalDataExport::items( $rows, $group, 'aipkit-ledger-', $labels, $value ) );
		return PersonalDataExport::answer( $data, $rows );
	}

	/** @return string|null why ledger entries of this user are kept, or null when there are none */
	public static function retained_message( int $user_id ): ?string {
		global $wpdb;
		$t = Schema::table( 'ledger' );
		$n = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$t} WHERE user_id = %d", $user_id ) );
		if ( 0 === $n ) {
			return null;
		}
		return sprintf(
			/* translators: %d: number of credit ledger entries kept */
			_n(
				'AI Puffer kept %d credit ledger entry (amounts, dates, order links and notes): it is a financial record that proves the credit balance, so it is not erased. Delete it only under your own records policy.',
				'AI Puffer kept %d credit ledger entries (amounts, dates, order links and notes): they are financial records that prove the credit balance, so they are not erased. Delete them only under your own records policy.',
				$n,
				'aipkit-usage'
			),
			$n
		);
	}
}
