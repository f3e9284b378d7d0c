<?php
namespace AipkitUsage\Billing;

use AipkitUsage\Billing\Metering\Authorizer;
use AipkitUsage\Billing\Metering\HoldStore;
use AipkitUsage\Billing\Metering\Releaser;
use AipkitUsage\Billing\Metering\Settler;
use AipkitUsage\Core\Gateway;

/**
 * authorize → settle | release: the public metering entry points (php-bridge/api.php), wired to the
 * classes that follow a hold through its life (Metering\Authorizer, Settler, Releaser over one
 * HoldStore), with one clock and the core gateway passed in.
 *
 * Each step is one transaction that locks, in this order, the hold row (settle/release), the user's
 * balance row, then the quota counters by id; the core decides the amounts from what the locked rows
 * say, and conditional UPDATEs re-check the limits in SQL.
 */
final class Metering {
	private static ?array $parts = null;

	/** @return array|\WP_Error */
	public static function authorize( array $req ) {
		return self::parts()['authorizer']->authorize( $req );
	}

	/**
	 * @param int|array $hold   hold id or the array authorize returned
	 * @param array     $actual input_tokens, output_tokens, images, videos; failed (bool)
	 * @param array     $log    optional exchange for the logs
	 * @return array|\WP_Error
	 */
	public static function settle( $hold, array $actual, array $log = [] ) {
		return self::parts()['settler']->settle( $hold, $actual, $log );
	}

	/** @return array|\WP_Error */
	public static function release( $hold, string $status = 'released' ) {
		return self::parts()['releaser']->release( $hold, $status );
	}

	/** Releases every expired hold (cron, every 5 minutes), in bounded batches. @return int released */
	public static function sweep( int $limit = 500 ): int {
		return self::parts()['releaser']->sweep( $limit );
	}

	public static function find( int $id ): ?array {
		return self::parts()['holds']->find( $id );
	}

	/** Rebuilds the parts (after Clock::use() or a Gateway backend change). */
	public static function reset(): void {
		self::$parts = null;
	}

	/** @return array{holds:HoldStore,authorizer:Authorizer,settler:Settler,releaser:Releaser} */
	private static function parts(): array {
		if ( null === self::$parts ) {
			$clock       = Clock::current();
			$core        = Gateway::instance();
			$holds       = new HoldStore( $clock );
			$releaser    = new Releaser( $clock, $holds );
			self::$parts = [
				'holds'      => $holds,
				'releaser'   => $releaser,
				'authorizer' => new Authorizer( $clock, $core, $holds, $releaser ),
				'settler'    => new Settler( $clock, $core, $holds ),
			];
		}
		return self::$parts;
	}
}
