<?php
namespace AipkitUsage\Schema;

defined( 'ABSPATH' ) || exit;

/**
 * CREATE TABLE statements for every table of docs/contract.md §5, written in the exact shape
 * dbDelta parses (one column per line, two spaces after PRIMARY KEY, named keys) so that running
 * them again on an up-to-date database changes nothing, and on an older one adds what is missing.
 *
 * Defaults are written the way the server reports them back (e.g. '0.000000' for DECIMAL(20,6)),
 * otherwise dbDelta would issue an ALTER on every run. No TEXT defaults (MySQL 8 forbids them).
 */
final class Tables {
	/** Table names without the `{$wpdb->prefix}aipkit_` prefix. */
	public const NAMES = [ 'pricing_rules', 'quota_rules', 'balances', 'ledger', 'holds', 'quota_counters', 'conversations', 'logs', 'ledger_rollup', 'log_terms', 'refusals', 'ledger_days' ];

	/**
	 * @param string $prefix  Full prefix including "aipkit_", e.g. "wp_aipkit_".
	 * @param string $collate $wpdb->get_charset_collate().
	 * @return array<string,string> table name (with prefix) => CREATE TABLE statement
	 */
	public static function definitions( string $prefix, string $collate ): array {
		$credit = "decimal(20,6) NOT NULL DEFAULT '0.000000'";
		$t      = [];

		$t['pricing_rules'] = "CREATE TABLE {$prefix}pricing_rules (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  usage_type varchar(32) NOT NULL,
  provider varchar(64) NOT NULL,
  model varchar(128) NOT NULL,
  method varchar(32) NOT NULL,
  input_rate decimal(20,6) DEFAULT NULL,
  output_rate decimal(20,6) DEFAULT NULL,
  unit_rate decimal(20,6) DEFAULT NULL,
  enabled tinyint(1) NOT NULL DEFAULT '1',
  active_slot tinyint(1) DEFAULT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  updated_by bigint(20) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY  (id),
  UNIQUE KEY active_rule (usage_type,provider,model,active_slot)
) ENGINE=InnoDB $collate;";

		$t['quota_rules'] = "CREATE TABLE {$prefix}quota_rules (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  module varchar(64) NOT NULL,
  bot_id varchar(64) NOT NULL DEFAULT '',
  guest_limit decimal(20,6) DEFAULT NULL,
  user_limit decimal(20,6) DEFAULT NULL,
  role_limits longtext,
  period varchar(16) NOT NULL DEFAULT 'never',
  message text,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY module_bot (module,bot_id)
) ENGINE=InnoDB $collate;";

		$t['balances'] = "CREATE TABLE {$prefix}balances (
  user_id bigint(20) unsigned NOT NULL,
  balance $credit,
  held $credit,
  uncovered $credit,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (user_id)
) ENGINE=InnoDB $collate;";

		$t['ledger'] = "CREATE TABLE {$prefix}ledger (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  created_at datetime NOT NULL,
  kind varchar(32) NOT NULL,
  user_id bigint(20) unsigned NOT NULL DEFAULT '0',
  subject varchar(80) NOT NULL DEFAULT '',
  amount $credit,
  quota_amount $credit,
  uncovered $credit,
  balance_after decimal(20,6) DEFAULT NULL,
  actor_id bigint(20) unsigned NOT NULL DEFAULT '0',
  module varchar(64) NOT NULL DEFAULT '',
  bot_id varchar(64) NOT NULL DEFAULT '',
  usage_type varchar(32) NOT NULL DEFAULT '',
  provider varchar(64) NOT NULL DEFAULT '',
  model varchar(128) NOT NULL DEFAULT '',
  input_tokens bigint(20) unsigned NOT NULL DEFAULT '0',
  output_tokens bigint(20) unsigned NOT NULL DEFAULT '0',
  units bigint(20) unsigned NOT NULL DEFAULT '0',
  rule_snapshot longtext,
  order_id bigint(20) unsigned DEFAULT NULL,
  order_item_id bigint(20) unsigned DEFAULT NULL,
  note text,
  idempotency_key varchar(191) NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY idempotency_key (idempotency_key),
  KEY created_id (created_at,id),
  KEY user_created (user_id,created_at),
  KEY user_kind_created (user_id,kind,created_at),
  KEY kind_created (kind,created_at),
  KEY order_item (order_id,order_item_id),
  KEY activity_cover (created_at,kind,amount,quota_amount,uncovered),
  KEY user_activity (user_id,created_at,kind,amount,quota_amount,uncovered)
) ENGINE=InnoDB $collate;";

		// Activity rollup (Billing\ActivityRollup): sums per UTC quarter hour and entry kind, kept in
		// the same transaction as each ledger insert. Quarter hours fit every site time zone
		// (offsets like +5:45 included), so local days are cut at read time and a zone change costs nothing.
		$sum = "decimal(30,6) NOT NULL DEFAULT '0.000000'";
		// The same sums in both activity tables: ActivityRollup::add() and the day fold write them by name.
		$sums               = "  credit $sum,
  debit $sum,
  quota $sum,
  quota_only $sum,
  quota_only_entries bigint(20) unsigned NOT NULL DEFAULT '0',
  uncovered $sum,
  entries bigint(20) unsigned NOT NULL DEFAULT '0',
";
		$t['ledger_rollup'] = "CREATE TABLE {$prefix}ledger_rollup (
  bucket datetime NOT NULL,
  kind varchar(32) NOT NULL,
  slot tinyint(3) unsigned NOT NULL DEFAULT '0',
$sums  PRIMARY KEY  (bucket,kind,slot)
) ENGINE=InnoDB $collate;";

		// Activity per local day of the site zone (Billing\ActivityDays): closed days folded from the
		// quarter hours; kind '' marks a folded day. The zone is part of the key, so a zone change
		// leaves the old rows unread until they are deleted and the days folded again.
		$t['ledger_days'] = "CREATE TABLE {$prefix}ledger_days (
  zone varchar(64) NOT NULL,
  day date NOT NULL,
  kind varchar(32) NOT NULL,
$sums  PRIMARY KEY  (zone,day,kind),
  KEY zone_kind_day (zone,kind,day)
) ENGINE=InnoDB $collate;";

		$t['holds'] = "CREATE TABLE {$prefix}holds (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  request_id varchar(191) NOT NULL,
  user_id bigint(20) unsigned NOT NULL DEFAULT '0',
  subject varchar(80) NOT NULL DEFAULT '',
  subjects longtext,
  module varchar(64) NOT NULL DEFAULT '',
  bot_id varchar(64) NOT NULL DEFAULT '',
  usage_type varchar(32) NOT NULL DEFAULT '',
  provider varchar(64) NOT NULL DEFAULT '',
  model varchar(128) NOT NULL DEFAULT '',
  hold_balance $credit,
  hold_quota $credit,
  counters longtext,
  status varchar(16) NOT NULL DEFAULT 'held',
  result longtext,
  created_at datetime NOT NULL,
  expires_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY request_id (request_id),
  KEY status_expires (status,expires_at),
  KEY user_status (user_id,status)
) ENGINE=InnoDB $collate;";

		$t['quota_counters'] = "CREATE TABLE {$prefix}quota_counters (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  subject varchar(80) NOT NULL,
  scope varchar(140) NOT NULL,
  period_key varchar(24) NOT NULL,
  period_end bigint(20) DEFAULT NULL,
  used $credit,
  held $credit,
  reset_at datetime DEFAULT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY counter (subject,scope,period_key),
  KEY current_rows (subject,scope,period_end)
) ENGINE=InnoDB $collate;";

		$t['conversations'] = "CREATE TABLE {$prefix}conversations (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  conversation_key varchar(191) NOT NULL,
  module varchar(64) NOT NULL DEFAULT '',
  bot_id varchar(64) NOT NULL DEFAULT '',
  user_id bigint(20) unsigned NOT NULL DEFAULT '0',
  guest_key varchar(16) NOT NULL DEFAULT '',
  first_at datetime NOT NULL,
  last_at datetime NOT NULL,
  exchanges int(10) unsigned NOT NULL DEFAULT '0',
  input_tokens bigint(20) unsigned NOT NULL DEFAULT '0',
  output_tokens bigint(20) unsigned NOT NULL DEFAULT '0',
  credits $credit,
  last_preview varchar(255) NOT NULL DEFAULT '',
  PRIMARY KEY  (id),
  UNIQUE KEY conversation_key (conversation_key),
  KEY last_id (last_at,id),
  KEY module_last (module,last_at),
  KEY bot_last (bot_id,last_at),
  KEY user_last (user_id,last_at)
) ENGINE=InnoDB $collate;";

		$t['logs'] = "CREATE TABLE {$prefix}logs (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  conversation_id bigint(20) unsigned NOT NULL,
  created_at datetime NOT NULL,
  module varchar(64) NOT NULL DEFAULT '',
  bot_id varchar(64) NOT NULL DEFAULT '',
  user_id bigint(20) unsigned NOT NULL DEFAULT '0',
  guest_key varchar(16) NOT NULL DEFAULT '',
  provider varchar(64) NOT NULL DEFAULT '',
  model varchar(128) NOT NULL DEFAULT '',
  usage_type varchar(32) NOT NULL DEFAULT '',
  input_tokens bigint(20) unsigned NOT NULL DEFAULT '0',
  output_tokens bigint(20) unsigned NOT NULL DEFAULT '0',
  credits $credit,
  ledger_id bigint(20) unsigned DEFAULT NULL,
  user_message mediumtext,
  reply mediumtext,
  metadata longtext,
  vector_context longtext,
  top_score decimal(6,2) DEFAULT NULL,
  status varchar(16) NOT NULL DEFAULT 'ok',
  PRIMARY KEY  (id),
  KEY conversation_id_id (conversation_id,id),
  KEY created_id (created_at,id),
  KEY module_id (module,id),
  KEY bot_id_id (bot_id,id),
  KEY user_id_id (user_id,id),
  FULLTEXT KEY content (user_message,reply)
) ENGINE=InnoDB $collate;";

		// Logs (screens-logs): side index of the words FULLTEXT cannot serve (shorter than
		// innodb_ft_min_token_size, e.g. "qx", "7"), one row per distinct word and exchange, kept by
		// LogWriter and deleted with its log rows (Logs\TermIndex). The column's collation compares
		// words the way the FULLTEXT index does (é = e, case ignored).
		$t['log_terms'] = "CREATE TABLE {$prefix}log_terms (
  term varchar(32) NOT NULL,
  log_id bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (term,log_id),
  KEY log_id (log_id)
) ENGINE=InnoDB $collate;";

		// Admission refusals (Billing\Refusals), so "Why was this refused?" can show a user's last ones.
		$t['refusals'] = "CREATE TABLE {$prefix}refusals (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  created_at datetime NOT NULL,
  user_id bigint(20) unsigned NOT NULL DEFAULT '0',
  guest_key varchar(80) NOT NULL DEFAULT '',
  module varchar(64) NOT NULL DEFAULT '',
  bot_id varchar(64) NOT NULL DEFAULT '',
  usage_type varchar(32) NOT NULL DEFAULT '',
  provider varchar(64) NOT NULL DEFAULT '',
  model varchar(128) NOT NULL DEFAULT '',
  estimate $credit,
  balance_available $credit,
  held $credit,
  quota longtext,
  rule_id bigint(20) unsigned DEFAULT NULL,
  reason varchar(64) NOT NULL DEFAULT '',
  message text,
  PRIMARY KEY  (id),
  KEY user_created (user_id,created_at),
  KEY created_at (created_at)
) ENGINE=InnoDB $collate;";

		$out = [];
		foreach ( $t as $name => $sql ) {
			$out[ $prefix . $name ] = $sql;
		}
		return $out;
	}
}
