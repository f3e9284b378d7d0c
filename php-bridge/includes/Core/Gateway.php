<?php
namespace AipkitUsage\Core;

use AipkitUsage\Plugin;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's only door to the Rust core: one method per core operation (docs/contract.md §1),
 * each taking the operation's request array and returning its response array or a WP_Error.
 *
 * Two backends answer alike (docs/core.md): the native library through FFI (Ffi, loaded once per
 * request) or the core compiled to PHP (PhpCore, instantiated lazily once per request);
 * Prerequisites::backend() picks one. When no backend can run, every call returns
 * WP_Error('aipkit_core_unavailable', <the precise reason>, status 503).
 */
final class Gateway {
	private static ?Gateway $instance = null;

	/** Core calls made in this process (each op, price included), for the crossings budget of a metered request. */
	private static int $crossings = 0;

	/** How many times this process has called into the core (tests compare before and after). */
	public static function crossings(): int {
		return self::$crossings;
	}

	public static function instance(): self {
		return self::$instance ??= new self();
	}

	/** Calls any core operation by name. Prefer the typed methods below. */
	public function call( string $op, array $input ): array|WP_Error {
		return $this->guarded( static fn ( CoreBackend $core ) => $core->call( $op, $input ) );
	}

	/**
	 * The lean price ({credits, rule_id, fallback, units}) through the core's compact text path:
	 * the same rules and answers as op `price`, without JSON either way (the metering hot path).
	 *
	 * @param array $rules candidate rules (rows with id, usage_type, provider, model, method, rates)
	 * @param array $usage usage_type, provider, model, input_tokens, output_tokens, images, videos
	 */
	public function price( array $rules, array $usage ): array|WP_Error {
		return $this->guarded( static fn ( CoreBackend $core ) => $core->price_text( Ffi::text_request( $usage, Ffi::text_rules( $rules ) ) ) );
	}

	/** Runs one core call: refused cleanly when the prerequisites fail, core errors as WP_Error. */
	private function guarded( callable $core_call ): array|WP_Error {
		$prereq = Plugin::instance()->prerequisites();
		if ( ! $prereq->is_met() ) {
			$problem = $prereq->problem();
			return new WP_Error(
				'aipkit_core_unavailable',
				$problem['reason'],
				[
					'status' => 503,
					'reason' => $problem['code'],
				]
			);
		}
		++self::$crossings;
		try {
			return $core_call( self::backend_instance( $prereq->backend() ) );
		} catch ( CoreException $e ) {
			return self::to_wp_error( $e->getErrorCode(), $e->getMessage(), $e->getField() );
		} catch ( \Throwable $e ) {
			// A failing FFI load after a passing prerequisite check (e.g. the file vanished mid-deploy).
			return new WP_Error( 'aipkit_core_unavailable', $e->getMessage(), [ 'status' => 503 ] );
		}
	}

	/** The backend object for 'ffi' or 'php'. */
	public static function backend_instance( string $name ): CoreBackend {
		return 'ffi' === $name ? Ffi::instance() : PhpCore::instance();
	}

	/** 'ffi' or 'php': the backend running the core in this request. */
	public static function backend(): string {
		return Plugin::instance()->prerequisites()->backend();
	}

	/** Maps a core error code (contract §2) to the WP_Error the REST layer and API functions return. */
	public static function to_wp_error( string $code, string $message, ?string $field = null ): WP_Error {
		$status = match ( $code ) {
			'stale_balance'  => 409,
			'internal_error' => 500,
			default          => 400,
		};
		return new WP_Error(
			'aipkit_' . $code,
			$message,
			[
				'status' => $status,
				'field'  => $field,
			]
		);
	}

	public function version(): array|WP_Error {
		return $this->call( 'version', [] );
	}

	/** @param array $request {rule:{usage_type,provider,model,method,input_rate?,output_rate?,unit_rate?}} */
	public function validate_rule( array $request ): array|WP_Error {
		return $this->call( 'validate_rule', $request );
	}

	/** @param array $request {rules:[…], usage:{usage_type,provider,model,input_tokens,output_tokens,images,videos}} */
	public function quote( array $request ): array|WP_Error {
		return $this->call( 'quote', $request );
	}

	/** @param array $request {subject,roles,guest_limit,user_limit,role_limits} */
	public function effective_limit( array $request ): array|WP_Error {
		return $this->call( 'effective_limit', $request );
	}

	/**
	 * @param array $request {period, now, utc_offsets, start_of_week}; utc_offsets and start_of_week
	 *        default to the site's time zone and week start when omitted.
	 */
	public function period( array $request ): array|WP_Error {
		$now      = (int) ( $request['now'] ?? time() );
		$request += [
			'now'           => $now,
			'utc_offsets'   => self::utc_offsets( $now ),
			'start_of_week' => self::start_of_week(),
		];
		return $this->call( 'period', $request );
	}

	/** @param array $request {estimate,balance_available,quota_remaining,order} */
	public function admit( array $request ): array|WP_Error {
		return $this->call( 'admit', $request );
	}

	/** @param array $request {hold_balance,hold_quota,actual,balance_available,quota_remaining,order} */
	public function settle( array $request ): array|WP_Error {
		return $this->call( 'settle', $request );
	}

	/** @param array $request {current,expected,new} */
	public function adjust_balance( array $request ): array|WP_Error {
		return $this->call( 'adjust_balance', $request );
	}

	/** @param array $request {balances:[{user_id,balance}], entries:[{user_id,amount}]} */
	public function reconcile( array $request ): array|WP_Error {
		return $this->call( 'reconcile', $request );
	}

	/**
	 * What a purchase reversal takes back from one granted order item (server only).
	 *
	 * @param array $request {granted, reversals:[{amount,uncovered}], requested?: string|null}
	 * @return array|WP_Error {reversed, remaining, amount}
	 */
	public function reversal( array $request ): array|WP_Error {
		return $this->call( 'reversal', $request );
	}

	/** @param array $request {kind, parts:[…]} */
	public function idempotency_key( array $request ): array|WP_Error {
		return $this->call( 'idempotency_key', $request );
	}

	/** @param array $request {score, scale} */
	public function score_band( array $request ): array|WP_Error {
		return $this->call( 'score_band', $request );
	}

	/** @param array $request {rows:[[…]]} */
	public function csv_rows( array $request ): array|WP_Error {
		return $this->call( 'csv_rows', $request );
	}

	/** @param array $request {now, days} */
	public function retention_cutoff( array $request ): array|WP_Error {
		return $this->call( 'retention_cutoff', $request );
	}

	/**
	 * UTC offsets in force around $now for the site's time zone, in the shape the `period` op takes:
	 * [{from:null, offset:<seconds>}, {from:<unix>, offset:<seconds>}, …].
	 *
	 * @return array<int,array{from:?int,offset:int}>
	 */
	public static function utc_offsets( int $now, ?\DateTimeZone $zone = null ): array {
		$zone ??= wp_timezone();
		$begin = $now - 40 * DAY_IN_SECONDS;
		$end   = $now + 40 * DAY_IN_SECONDS;
		// Fixed-offset zones ("+02:00") have no transition table: getTransitions() returns false.
		$transitions = $zone->getTransitions( $begin, $end );
		if ( ! is_array( $transitions ) || [] === $transitions ) {
			$offset = $zone->getOffset( new \DateTimeImmutable( '@' . $now ) );
			return [
				[
					'from'   => null,
					'offset' => $offset,
				],
			];
		}
		// The first entry describes the state at $begin, not a real change: it holds "since forever".
		$out   = [
			[
				'from'   => null,
				'offset' => (int) $transitions[0]['offset'],
			],
		];
		$count = count( $transitions );
		for ( $i = 1; $i < $count; $i++ ) {
			$out[] = [
				'from'   => (int) $transitions[ $i ]['ts'],
				'offset' => (int) $transitions[ $i ]['offset'],
			];
		}
		return $out;
	}

	/** WordPress's first day of the week: 0 = Sunday … 6 = Saturday. */
	public static function start_of_week(): int {
		$day = (int) get_option( 'start_of_week', 1 );
		return ( $day >= 0 && $day <= 6 ) ? $day : 1;
	}

	// ---- Ops added by billing (helper money); kept together at the end to ease merges. ----

	/** The limits and vocabularies the core publishes (op `constants`): usage types and their methods, patterns, maxima. */
	public function constants(): array|WP_Error {
		return $this->call( 'constants', [] );
	}

	/**
	 * One settle decision (op `settle_usage`): the price of the actual usage with its breakdown and
	 * snapshot, the split over hold / balance / quota / uncovered, the status and the ledger key.
	 */
	public function settle_usage( array $request ): array|WP_Error {
		return $this->call( 'settle_usage', $request );
	}

	/**
	 * The whole authorize decision (op `authorize`), inside its transaction: the estimate's price,
	 * the quota rule, scope, limit and period, the current counter among the locked rows (or "create"),
	 * the admission and its holds.
	 */
	public function authorize( array $request ): array|WP_Error {
		return $this->call( 'authorize', $request );
	}
}
