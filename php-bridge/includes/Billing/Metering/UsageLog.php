<?php
namespace AipkitUsage\Billing\Metering;

use AipkitUsage\Billing\RetryException;
use AipkitUsage\Billing\Transaction;

/**
 * The log exchange a settle writes, inside the settle's transaction (one commit for the charge and
 * its log). A log that cannot be written does not undo the charge: it is rolled back to its own
 * savepoint and reported as `log_error`.
 */
final class UsageLog {
	/**
	 * @param array $h      the locked hold row
	 * @param array $counts the actual counts
	 * @param array $result the settle result so far (credits, ledger_id)
	 * @param array $log    what the module passed: conversation_id, user_message, reply, metadata, vector_context, status
	 * @return array{log_id:?int,log_error:?string}
	 */
	public static function write( array $h, array $counts, array $result, array $log, bool $failed ): array {
		if ( ! class_exists( '\\AipkitUsage\\Logs\\LogWriter' ) ) {
			return [
				'log_id'    => null,
				'log_error' => null,
			];
		}
		$guest = '';
		if ( 0 === (int) $h['user_id'] ) {
			$subjects = HoldStore::subjects( $h );
			$guest    = substr( (string) preg_replace( '/^guest:c/', '', (string) ( $subjects[0] ?? '' ) ), 0, 16 );
		}
		$metadata               = is_array( $log['metadata'] ?? null ) ? $log['metadata'] : [];
		$metadata['request_id'] = $h['request_id'];
		$entry                  = [
			'module'          => $h['module'],
			'bot_id'          => $h['bot_id'],
			'user_id'         => (int) $h['user_id'],
			'guest_key'       => $guest,
			'conversation_id' => (string) ( $log['conversation_id'] ?? '' ),
			'provider'        => $h['provider'],
			'model'           => $h['model'],
			'usage_type'      => $h['usage_type'],
			'input_tokens'    => $counts['input_tokens'],
			'output_tokens'   => $counts['output_tokens'],
			'credits'         => $result['credits'],
			'ledger_id'       => $result['ledger_id'],
			'user_message'    => (string) ( $log['user_message'] ?? '' ),
			'reply'           => (string) ( $log['reply'] ?? '' ),
			'metadata'        => $metadata,
			'vector_context'  => is_array( $log['vector_context'] ?? null ) ? $log['vector_context'] : [],
			'status'          => $failed ? 'failed' : (string) ( $log['status'] ?? 'ok' ),
		];
		// Nested run() = a savepoint: a failed log write takes back only its own rows.
		$id = Transaction::run( static fn() => \AipkitUsage\Logs\LogWriter::record( $entry ) );
		if ( is_wp_error( $id ) ) {
			// A deadlock or lost connection inside the log write ends the whole transaction: start
			// the settle again rather than commit half of it.
			if ( '1' !== Transaction::value( 'SELECT @@in_transaction' ) ) {
				throw new RetryException( 'the log write ended the transaction' );
			}
			return [
				'log_id'    => null,
				'log_error' => $id->get_error_message(),
			];
		}
		return [
			'log_id'    => (int) $id,
			'log_error' => null,
		];
	}
}
