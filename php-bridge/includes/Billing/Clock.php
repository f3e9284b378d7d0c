<?php
namespace AipkitUsage\Billing;

/**
 * The one clock billing reads. A metering step takes a single instant from it and uses that value
 * everywhere it needs "now" (period keys, created/expires/updated times, the expiry sweep), instead of
 * PHP's time() in one place and the database's UTC_TIMESTAMP() in another.
 *
 * The instant can be fixed (tests: `Clock::use( new Clock( $t ) )`) or follow the `aipkit_usage_now`
 * filter (kept for tests and replays that evaluate periods at a chosen instant).
 */
final class Clock {
	private static ?Clock $current = null;

	public function __construct( private ?int $fixed = null ) {
	}

	/** The site's clock (the one installed with use(), else the system clock). */
	public static function current(): self {
		if ( null === self::$current ) {
			self::$current = new self();
		}
		return self::$current;
	}

	/** Installs a clock (null = back to the system clock). */
	public static function use( ?self $clock ): void {
		self::$current = $clock;
		Metering::reset();
	}

	/** Unix seconds. */
	public function now(): int {
		return $this->fixed ?? (int) apply_filters( 'aipkit_usage_now', time() );
	}

	/** A Unix time as the DATETIME (UTC) the tables store. */
	public static function sql( int $unix ): string {
		return gmdate( 'Y-m-d H:i:s', $unix );
	}
}
