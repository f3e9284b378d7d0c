<?php
namespace AipkitUsage\Dashboard;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Billing\Clock;
use AipkitUsage\Billing\Decimal;
use AipkitUsage\Billing\ModelCatalog;
use AipkitUsage\Billing\QuotaRules;
use AipkitUsage\Billing\Tables;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Logs\Catalog;
use AipkitUsage\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * What one customer's dashboard shows, gathered with a fixed number of queries whatever the size of
 * the ledger or the number of quota scopes: balance (1), quota rules (1), the current-period
 * counters of every shown scope with remaining room computed by MariaDB in DECIMAL (1), recent
 * purchases (1) and recent usage (1), each on an index.
 */
final class Data {
	public const RECENT = 10;

	/**
	 * @param array $atts parsed attributes (Attributes::parse)
	 * @return array{user_id:int,balance:array,quotas:array,purchases:array,usage:array}
	 */
	public static function for_user( int $user_id, array $atts ): array {
		$modules = Attributes::modules( $atts );
		return [
			'user_id'   => $user_id,
			'balance'   => Balances::get( $user_id ),
			'quotas'    => $modules ? self::quotas( $user_id, $modules ) : [],
			'purchases' => empty( $atts['purchasehistory'] ) ? [] : self::purchases( $user_id ),
			'usage'     => self::usage( $user_id, $modules ),
		];
	}

	/**
	 * One row per scope the user is metered on in these modules: the module itself, and each bot
	 * that has its own rule.
	 *
	 * @param string[] $modules
	 * @return array<int,array<string,mixed>>
	 */
	public static function quotas( int $user_id, array $modules, ?int $now = null ): array {
		$now   = $now ?? Clock::current()->now();
		$user  = get_userdata( $user_id );
		$roles = $user ? array_values( (array) $user->roles ) : [];
		$rules = [];
		foreach ( QuotaRules::all() as $rule ) {
			$rules[ $rule['module'] ][] = $rule;
		}
		$scopes  = [];
		$periods = [];
		foreach ( $modules as $module ) {
			$has_module_rule = false;
			foreach ( $rules[ $module ] ?? [] as $rule ) {
				$has_module_rule = $has_module_rule || '' === $rule['bot_id'];
			}
			if ( ! $has_module_rule ) {
				// No rule: counted all-time, and unlimited or "the balance only" (a limit of 0) as the
				// no_quota_rule setting says (as Billing\Quotas::context does).
				$scopes[] = [
					'module'     => $module,
					'bot_id'     => '',
					'scope'      => $module,
					'limit'      => 'balance_only' === Settings::no_quota_rule() ? '0.000000' : null,
					'period'     => 'never',
					'period_key' => 'all',
					'next_reset' => null,
				];
			}
			foreach ( $rules[ $module ] ?? [] as $rule ) {
				$limit = Gateway::instance()->effective_limit(
					[
						'subject'     => 'user',
						'roles'       => $roles,
						'guest_limit' => $rule['guest_limit'],
						'user_limit'  => $rule['user_limit'],
						'role_limits' => (object) $rule['role_limits'],
					]
				);
				// Every rule of one period shares its key and next reset: one core call per period.
				$periods[ $rule['period'] ] ??= Gateway::instance()->period(
					[
						'period' => $rule['period'],
						'now'    => $now,
					]
				);
				$period                       = $periods[ $rule['period'] ];
				if ( is_wp_error( $limit ) || is_wp_error( $period ) ) {
					continue;
				}
				$scopes[] = [
					'module'     => $module,
					'bot_id'     => $rule['bot_id'],
					'scope'      => $rule['scope'],
					'limit'      => $limit['limit'],
					'period'     => $rule['period'],
					'period_key' => $period['key'],
					'next_reset' => $period['next_starts_at'],
				];
			}
		}
		if ( ! $scopes ) {
			return [];
		}
		$counters = self::counters( 'user:' . $user_id, $scopes );
		$labels   = self::module_labels();
		$bots     = self::bot_names();
		$out      = [];
		foreach ( $scopes as $i => $s ) {
			$c     = $counters[ $i ] ?? [];
			$out[] = $s + [
				'module_label' => $labels[ $s['module'] ] ?? $s['module'],
				'bot_name'     => '' === $s['bot_id'] ? '' : ( $bots[ $s['module'] . ':' . $s['bot_id'] ] ?? $s['bot_id'] ),
				'used'         => Decimal::db( $c['used'] ?? '0' ),
				'held'         => Decimal::db( $c['held'] ?? '0' ),
				'remaining'    => null === $s['limit'] ? null : Decimal::db( $c['remaining'] ?? $s['limit'] ),
				'percent'      => isset( $c['percent'] ) ? (string) $c['percent'] : null,
			];
		}
		return $out;
	}

	/**
	 * Counters of the given scopes in their current periods, in one statement: the scopes go in as a
	 * derived table (scope, period key, limit) joined to the subject's counters, so MariaDB does the
	 * DECIMAL arithmetic (remaining, percent of the limit).
	 *
	 * @return array<int,array{used:string,held:string,remaining:?string,percent:?string}> by scope index
	 */
	private static function counters( string $subject, array $scopes ): array {
		global $wpdb;
		$parts = [];
		foreach ( $scopes as $i => $s ) {
			$limit   = null === $s['limit'] ? 'NULL' : $wpdb->prepare( 'CAST(%s AS DECIMAL(20,6))', $s['limit'] );
			$parts[] = $wpdb->prepare( 'SELECT %d AS idx, %s AS scope, %s AS period_key, ', $i, $s['scope'], $s['period_key'] ) . $limit . ' AS lim';
		}
		$derived = implode( ' UNION ALL ', $parts );
		$t       = Tables::counters();
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name and the derived table built from prepared parts.
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT r.idx, COALESCE(c.used, 0) AS used, COALESCE(c.held, 0) AS held,
				 CASE WHEN r.lim IS NULL THEN NULL ELSE GREATEST(r.lim - COALESCE(c.used, 0) - COALESCE(c.held, 0), 0) END AS remaining,
				 CASE WHEN r.lim IS NULL THEN NULL WHEN r.lim = 0 THEN 100 ELSE LEAST(100, ROUND((COALESCE(c.used, 0) + COALESCE(c.held, 0)) * 100 / r.lim, 1)) END AS percent
				 FROM ($derived) r LEFT JOIN $t c ON c.subject = %s AND c.scope = r.scope AND c.period_key = r.period_key",
				$subject
			),
			ARRAY_A
		) ?? [];
		// phpcs:enable
		$out = [];
		foreach ( $rows as $r ) {
			$out[ (int) $r['idx'] ] = $r;
		}
		return $out;
	}

	/** @return array<int,array{id:int,at:int,kind:string,credits:string,order_id:?int,order_url:string,note:string}> */
	public static function purchases( int $user_id ): array {
		global $wpdb;
		$t    = Tables::ledger();
		$cols = 'id, created_at, kind, amount, order_id, note';
		// One branch per kind, each reading at most RECENT rows backwards along (user_id, kind, created_at):
		// with IN (...) the server may instead walk all of the user's rows, most of them usage.
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name and a fixed column list.
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"(SELECT $cols FROM $t FORCE INDEX (user_kind_created) WHERE user_id = %d AND kind = 'purchase' ORDER BY created_at DESC, id DESC LIMIT %d)
				 UNION ALL
				 (SELECT $cols FROM $t FORCE INDEX (user_kind_created) WHERE user_id = %d AND kind = 'purchase_reversal' ORDER BY created_at DESC, id DESC LIMIT %d)
				 ORDER BY created_at DESC, id DESC LIMIT %d",
				$user_id,
				self::RECENT,
				$user_id,
				self::RECENT,
				self::RECENT
			),
			ARRAY_A
		) ?? [];
		// phpcs:enable
		$out = [];
		foreach ( $rows as $r ) {
			$order = null === $r['order_id'] ? null : (int) $r['order_id'];
			$out[] = [
				'id'        => (int) $r['id'],
				'at'        => (int) strtotime( $r['created_at'] . ' UTC' ),
				'kind'      => $r['kind'],
				'credits'   => Decimal::db( $r['amount'] ),
				'order_id'  => $order,
				'order_url' => $order ? self::order_url( $order ) : '',
				'note'      => (string) $r['note'],
			];
		}
		return $out;
	}

	/**
	 * The last charges (kind usage) in the shown modules.
	 *
	 * @param string[] $modules empty = none shown: nothing to list
	 * @return array<int,array<string,mixed>>
	 */
	public static function usage( int $user_id, array $modules ): array {
		if ( ! $modules ) {
			return [];
		}
		global $wpdb;
		$in   = implode( ',', array_map( static fn( $m ) => $wpdb->prepare( '%s', $m ), $modules ) );
		$rows = $wpdb->get_results(
			// Backwards along (user_id, kind, created_at): stops after RECENT matching rows.
			$wpdb->prepare( 'SELECT id, created_at, module, bot_id, amount, quota_amount, uncovered, quota_amount - amount AS credits FROM ' . Tables::ledger() . " FORCE INDEX (user_kind_created) WHERE user_id = %d AND kind = 'usage' AND module IN ($in) ORDER BY created_at DESC, id DESC LIMIT %d", $user_id, self::RECENT ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- table name and prepared literals.
			ARRAY_A
		) ?? [];
		$labels = self::module_labels();
		$bots   = self::bot_names();
		$out    = [];
		foreach ( $rows as $r ) {
			$from_balance = Decimal::negate( Decimal::db( $r['amount'] ) );
			$from_quota   = Decimal::db( $r['quota_amount'] );
			$out[]        = [
				'id'           => (int) $r['id'],
				'at'           => (int) strtotime( $r['created_at'] . ' UTC' ),
				'module'       => $r['module'],
				'module_label' => $labels[ $r['module'] ] ?? $r['module'],
				'bot_id'       => $r['bot_id'],
				'bot_name'     => '' === $r['bot_id'] ? '' : ( $bots[ $r['module'] . ':' . $r['bot_id'] ] ?? $r['bot_id'] ),
				'from_balance' => $from_balance,
				'from_quota'   => $from_quota,
				'credits'      => Decimal::db( $r['credits'] ),
				'uncovered'    => Decimal::db( $r['uncovered'] ),
			];
		}
		return $out;
	}

	/** My Account's view of one order, when WooCommerce is active; '' otherwise. */
	public static function order_url( int $order_id ): string {
		if ( ! function_exists( 'wc_get_endpoint_url' ) || ! function_exists( 'wc_get_page_permalink' ) ) {
			return '';
		}
		return (string) wc_get_endpoint_url( 'view-order', (string) $order_id, wc_get_page_permalink( 'myaccount' ) );
	}

	/** @return array<string,string> */
	private static function module_labels(): array {
		return Catalog::registered_modules();
	}

	/** @return array<string,string> "module:bot_id" => name, from the aipkit_usage_bots filter */
	private static function bot_names(): array {
		$out = [];
		foreach ( ModelCatalog::bots() as $b ) {
			$out[ $b['module'] . ':' . $b['bot_id'] ] = $b['name'];
		}
		return $out;
	}
}
