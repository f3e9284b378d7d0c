<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, Squiz.PHP.DisallowSizeFunctionsInLoops.Found -- SQL holds only our table names (Tables), integer lists cast with intval and condition strings built with prepare() (LogQuery, WordMatch, TermIndex); the hit list grows inside the loops.

use WP_Error;

/**
 * One page of the conversation list, keyset-paged.
 *
 * - No search: conversations by (last_at, id) descending, on the summary table's indexes.
 *   Cursor "t:<unix>:<id>".
 * - Search: conversations by their newest matching exchange, descending; cursor "h:<log id>" (the
 *   newest match of the last conversation shown). A rare short word drives the page through the
 *   TermIndex; otherwise the logs are read downwards in growing windows (WindowScan; frequent
 *   words fill a page from the newest rows at once), under a module, bot or user filter along that
 *   filter's own rows (walk_index). With indexable words, the match density the windows show
 *   decides when the FULLTEXT index answers the rest (cheap for sparse words, seconds for a
 *   frequent one); but a search whose FULLTEXT word(s) are frequent in the whole table
 *   (WordFrequency) never goes to FULLTEXT: the windows go on, bounded, and answer `partial` past
 *   their bound. With only stopwords, a page whose time budget runs out comes back `partial` with a
 *   cursor to continue.
 */
final class ConversationList {
	public const PAGE_SIZES = [ 10, 20, 50, 100 ];
	/** @var int ids per scan window (a property so tests can force many windows) */
	public static $window = 25000;
	/** A short word in fewer exchanges than this drives the search through the TermIndex. */
	private const TERM_RARE = 20000;
	/**
	 * FULLTEXT reads every match of a word in the whole table before it filters or limits (even
	 * with LIMIT 1): above this many estimated matches (WordFrequency) of the word(s) it would read
	 * it is not asked, whatever the filter or the other words.
	 * A property so tests can lower it on a small table.
	 *
	 * @var int
	 */
	public static $fulltext_match_cap = 20000;
	/**
	 * With such a word, the most rows one page reads (the filter's rows, or ids without a module, bot
	 * or user filter), and the time it may take, before it answers partial with a cursor ("Keep
	 * searching"). The clock here only ends a page early; it never hands a word to FULLTEXT. A
	 * filter's rows can lie scattered (a user's), each a primary-key read: measured at 1,000,000 rows
	 * under load, 20,000 of them took 0.3–0.5 s for a module, ~1 s for a user.
	 *
	 * @var int
	 */
	public static $walk_rows_cap = 20000;
	/**
	 * Seconds, see $walk_rows_cap. 0.09 rather than 0.1: the page's own reads come on top, and two
	 * frequent words that never meet answered in 102 ms in-process at 0.1 (quiet, 1,000,000 rows).
	 *
	 * @var float
	 */
	public static $walk_budget_s = 0.09;

	/** @return array|WP_Error {items, next_cursor, partial} */
	public static function page( Filters $f, int $per_page, string $cursor = '' ) {
		if ( ! in_array( $per_page, self::PAGE_SIZES, true ) ) {
			return Filters::error( 'per_page', __( 'Page size must be 10, 20, 50 or 100.', 'aipkit-usage' ) );
		}
		if ( ! $f->search ) {
			return self::page_plain( $f, $per_page, $cursor );
		}
		$before = PHP_INT_MAX;
		if ( '' !== $cursor ) {
			if ( ! preg_match( '/^h:(\d{1,19})$/', $cursor, $m ) ) {
				return Filters::error( 'cursor', __( 'Invalid cursor.', 'aipkit-usage' ) );
			}
			$before = (int) $m[1];
		}
		$driver = self::term_driver( $f->search );
		$page   = null !== $driver ? self::page_terms( $f, $per_page, $before, $driver ) : self::page_scanned( $f, $per_page, $before );
		if ( is_array( $page ) ) {
			// The words the screen highlights in each match: exactly those the search looked for.
			$page['words']     = $f->search->words();
			$page['highlight'] = $f->search->highlight();
		}
		return $page;
	}

	/** Counting stops here: the screen says "more than 10,000" rather than count a frequent word to the end. */
	public const COUNT_CAP = 10000;
	/**
	 * Seconds the windows may count frequent words for: the count is a request of its own that must
	 * answer within 300 ms over HTTP too, where WordPress's boot alone takes ~180 ms under load.
	 */
	private const COUNT_BUDGET_S = 0.05;

	/**
	 * How many conversations the search matches (the list shows it above the results), up to
	 * COUNT_CAP. Driven like the page: by the rarest short word's TermIndex entries, else by
	 * FULLTEXT, else (stopwords only) by the row check under a statement time limit. When the word(s)
	 * FULLTEXT would read are frequent in the whole table (WordFrequency), the windows count instead,
	 * bounded like a page (but within COUNT_BUDGET_S): what they found in the newest rows is a lower bound (`at_least`), exact
	 * only when they reached the end or more than COUNT_CAP (`capped`).
	 *
	 * @return array{conversations:int|null,capped:bool,at_least:bool}
	 */
	public static function count_matches( Filters $f ): array {
		global $wpdb;
		if ( ! $f->search ) {
			return [
				'conversations' => null,
				'capped'        => false,
				'at_least'      => false,
			];
		}
		$l      = Tables::logs();
		$cap    = self::COUNT_CAP + 1;
		$driver = self::term_driver( $f->search );
		if ( null !== $driver ) {
			$ti  = Tables::terms();
			$sql = $wpdb->prepare( "SELECT STRAIGHT_JOIN DISTINCT l.conversation_id FROM {$ti} t JOIN {$l} l ON l.id = t.log_id WHERE t.term = %s", $driver ) . LogQuery::log_where( $f, 'scan' );
		} elseif ( $f->search->indexed ) {
			$ends = $wpdb->get_row( "SELECT MIN(id) AS lo, MAX(id) AS hi FROM {$l}", ARRAY_A );
			if ( WordFrequency::too_frequent( $f->search, (int) ( $ends['lo'] ?? 0 ), 1 + (int) ( $ends['hi'] ?? 0 ), self::$fulltext_match_cap ) ) {
				$scan = new WindowScan( $f, self::COUNT_CAP, PHP_INT_MAX, self::walk_index( $f ), true, self::COUNT_BUDGET_S );
				$scan->run();
				$n = $scan->conversations();
				return [
					'conversations' => min( $n, self::COUNT_CAP ),
					'capped'        => $n > self::COUNT_CAP,
					'at_least'      => $n <= self::COUNT_CAP && ! $scan->finished(),
				];
			}
			WordFrequency::narrow_fulltext( $f->search );
			$sql = "SELECT DISTINCT l.conversation_id FROM {$l} l WHERE 1=1" . LogQuery::log_where( $f, 'index' );
		} else {
			$sql = "SELECT DISTINCT l.conversation_id FROM {$l} l WHERE 1=1" . LogQuery::log_where( $f, 'scan' );
		}
		// MariaDB: give up after 2 s rather than hold a worker (the count is extra, the page is not).
		$n = $wpdb->get_var( "SET STATEMENT max_statement_time=2 FOR SELECT COUNT(*) FROM ({$sql} LIMIT {$cap}) z" );
		if ( null === $n ) {
			return [
				'conversations' => null,
				'capped'        => true,
				'at_least'      => false,
			];
		}
		return [
			'conversations' => min( (int) $n, self::COUNT_CAP ),
			'capped'        => (int) $n > self::COUNT_CAP,
			'at_least'      => false,
		];
	}

	/**
	 * The short word to walk the TermIndex by, or null to use the scan/FULLTEXT path: the rarest
	 * short word, unless it is frequent and a FULLTEXT word can narrow better.
	 */
	private static function term_driver( SearchTerms $s ): ?string {
		// Until the upgrade's backfill has indexed the older rows, the index alone would miss them.
		if ( ! $s->terms || ( null === Tables::$prefix && TermIndex::backfill_pending() ) ) {
			return null;
		}
		$best = null;
		$min  = PHP_INT_MAX;
		foreach ( $s->terms as $w ) {
			$n = TermIndex::bounded_count( $w, self::TERM_RARE );
			if ( $n < $min ) {
				$min  = $n;
				$best = $w;
			}
		}
		return ( $min < self::TERM_RARE || ! $s->indexed ) ? $best : null;
	}

	/**
	 * Search page driven by a short word's TermIndex entries, newest first: the index is ordered by
	 * (term, log_id), so walking it downwards from the cursor visits exactly the exchanges holding
	 * that word; each is checked against the other words and the filters (one row each), and each
	 * conversation is listed at its newest match. Complete pages, no time budget.
	 */
	private static function page_terms( Filters $f, int $n, int $before, string $driver ) {
		global $wpdb;
		$ti    = Tables::terms();
		$l     = Tables::logs();
		$where = LogQuery::log_where( $f, 'scan' );
		$hits  = [];
		$seen  = [];
		$pos   = $before;
		$chunk = 200;
		while ( count( $hits ) <= $n ) {
			$rows = $wpdb->get_results(
				$wpdb->prepare(
					"SELECT STRAIGHT_JOIN t.log_id AS hit, l.conversation_id AS cid FROM {$ti} t JOIN {$l} l ON l.id = t.log_id
					WHERE t.term = %s AND t.log_id < %d {$where} ORDER BY t.log_id DESC LIMIT %d",
					$driver,
					$pos,
					$chunk
				),
				ARRAY_A
			);
			$new  = [];
			foreach ( $rows as $r ) {
				if ( ! isset( $seen[ $r['cid'] ] ) ) {
					$seen[ $r['cid'] ] = true;
					$new[]             = $r;
				}
			}
			if ( $new && PHP_INT_MAX !== $before ) {
				// Listed on an earlier page when it also matches at or above the cursor.
				$cids  = implode( ',', array_map( 'intval', array_column( $new, 'cid' ) ) );
				$above = array_flip(
					$wpdb->get_col( $wpdb->prepare( "SELECT DISTINCT l.conversation_id FROM {$l} l WHERE l.conversation_id IN ({$cids}) AND l.id >= %d {$where}", $before ) )
				);
				$new   = array_filter(
					$new,
					static function ( $r ) use ( $above ) {
						return ! isset( $above[ $r['cid'] ] );
					}
				);
			}
			foreach ( $new as $r ) {
				$hits[] = $r;
			}
			if ( count( $rows ) < $chunk ) {
				break;
			}
			$pos   = (int) end( $rows )['hit'];
			$chunk = min( $chunk * 4, 5000 );
		}
		return self::from_hits( $hits, $n, false, $f->search->words() );
	}

	private static function page_plain( Filters $f, int $n, string $cursor ) {
		global $wpdb;
		$t     = Tables::conversations();
		$where = LogQuery::conversation_where( $f );
		if ( '' !== $cursor ) {
			if ( ! preg_match( '/^t:(\d{1,12}):(\d{1,19})$/', $cursor, $m ) ) {
				return Filters::error( 'cursor', __( 'Invalid cursor.', 'aipkit-usage' ) );
			}
			$at     = gmdate( 'Y-m-d H:i:s', (int) $m[1] );
			$where .= $wpdb->prepare( ' AND (c.last_at < %s OR (c.last_at = %s AND c.id < %d))', $at, $at, (int) $m[2] );
		}
		$rows = $wpdb->get_results(
			"SELECT c.* FROM {$t} c WHERE 1=1 {$where} ORDER BY c.last_at DESC, c.id DESC LIMIT " . ( $n + 1 ),
			ARRAY_A
		);
		$next = null;
		if ( count( $rows ) > $n ) {
			array_pop( $rows );
			$last = end( $rows );
			$next = 't:' . strtotime( $last['last_at'] . ' UTC' ) . ':' . $last['id'];
		}
		return [
			'items'       => self::present( $rows ),
			'next_cursor' => $next,
			'partial'     => false,
		];
	}

	/**
	 * The index whose (column, id) order walks the filter's own rows downwards, or null without a
	 * module, bot or user filter. The windows then hold a number of the filter's rows rather than an
	 * id range of the whole table: a filter whose rows are all old has none in the newest ids, and
	 * id windows would measure no density at all there. Other filters are checked per row.
	 *
	 * @return array{0:string,1:string}|null [index name, prepared condition on l]
	 */
	private static function walk_index( Filters $f ): ?array {
		global $wpdb;
		// Until schema 8 has added the keys (an upgrade another request is still running), FORCE INDEX
		// would fail and read as "no rows": the id windows answer meanwhile.
		if ( null === Tables::$prefix && version_compare( \AipkitUsage\Schema\Schema::installed_version(), '8', '<' ) ) {
			return null;
		}
		if ( $f->user_id > 0 ) {
			return [ 'user_id_id', $wpdb->prepare( 'l.user_id = %d', $f->user_id ) ];
		}
		if ( Filters::BOT_NONE === $f->bot ) {
			return [ 'bot_id_id', "l.bot_id = ''" ];
		}
		if ( '' !== $f->bot ) {
			return [ 'bot_id_id', $wpdb->prepare( 'l.bot_id = %s', $f->bot ) ];
		}
		if ( '' !== $f->module ) {
			return [ 'module_id', $wpdb->prepare( 'l.module = %s', $f->module ) ];
		}
		return null;
	}

	private static function page_scanned( Filters $f, int $n, int $before ) {
		global $wpdb;
		$scan    = new WindowScan( $f, $n, $before, self::walk_index( $f ) );
		$verdict = $scan->run();
		$hits    = $scan->hits;
		if ( count( $hits ) > $n ) {
			return self::from_hits( $hits, $n, false, $f->search->words() );
		}
		if ( ! $scan->finished() && WindowScan::INDEX === $verdict ) {
			// The rest from the index: conversations whose newest match (below $before) lies under
			// the windows read, i.e. those the windows did not list.
			$l = Tables::logs();
			WordFrequency::narrow_fulltext( $f->search, $scan->max );
			$more = $wpdb->get_results(
				$wpdb->prepare( "SELECT l.conversation_id AS cid, MAX(l.id) AS hit FROM {$l} l WHERE l.id < %d", $scan->top ) .
				LogQuery::log_where( $f, 'index' ) .
				$wpdb->prepare( ' GROUP BY l.conversation_id HAVING hit < %d ORDER BY hit DESC LIMIT %d', $scan->hi, $n + 1 - count( $hits ) ),
				ARRAY_A
			);
			return self::from_hits( array_merge( $hits, $more ), $n, false, $f->search->words() );
		}
		// Fewer than a page: either finished, or out of time or rows with more left below hi.
		$page = self::from_hits( $hits, $n, false, $f->search->words() );
		if ( ! $scan->finished() ) {
			$page['next_cursor'] = 'h:' . $scan->hi;
			$page['partial']     = true;
		}
		return $page;
	}

	private static function from_hits( array $hits, int $n, bool $partial, array $words = [] ): array {
		$next = null;
		if ( count( $hits ) > $n ) {
			$hits = array_slice( $hits, 0, $n );
			$next = 'h:' . end( $hits )['hit'];
		}
		$rows  = self::load( array_map( 'intval', array_column( $hits, 'cid' ) ) );
		$items = self::present( $rows );
		$match = self::matches( array_map( 'intval', array_column( $hits, 'hit' ) ), $words );
		foreach ( $items as &$item ) {
			$item['match'] = $match[ $item['id'] ] ?? null;
		}
		unset( $item );
		return [
			'items'       => $items,
			'next_cursor' => $next,
			'partial'     => $partial,
		];
	}

	/**
	 * The exchange that matched, per conversation: the search result shows it (not the newest
	 * message), and the screen highlights the search words in it.
	 *
	 * @param int[] $log_ids the newest matching exchange of each listed conversation
	 * @return array<int,array> conversation id => {id, created_at, user_message, reply}
	 */
	private static function matches( array $log_ids, array $words ): array {
		if ( ! $log_ids ) {
			return [];
		}
		global $wpdb;
		$l   = Tables::logs();
		$out = [];
		foreach ( $wpdb->get_results( "SELECT id, conversation_id, created_at, user_message, reply FROM {$l} WHERE id IN (" . implode( ',', $log_ids ) . ')', ARRAY_A ) as $r ) {
			$out[ (int) $r['conversation_id'] ] = [
				'id'           => (int) $r['id'],
				'created_at'   => self::iso( $r['created_at'] ),
				'user_message' => self::clip( (string) $r['user_message'], $words ),
				'reply'        => self::clip( (string) $r['reply'], $words ),
			];
		}
		return $out;
	}

	/** Long texts are cut for the list around the first search word (the exchange view has them whole). */
	private static function clip( string $text, array $words ): string {
		if ( mb_strlen( $text ) <= 600 ) {
			return $text;
		}
		$at = PHP_INT_MAX;
		foreach ( $words as $w ) {
			$p = mb_stripos( $text, (string) $w );
			if ( false !== $p && $p < $at ) {
				$at = $p;
			}
		}
		$start = PHP_INT_MAX === $at || $at < 200 ? 0 : $at - 100;
		return ( $start > 0 ? '…' : '' ) . mb_substr( $text, $start, 599 ) . ( $start + 599 < mb_strlen( $text ) ? '…' : '' );
	}

	/** @return array conversation rows in the order of $ids */
	private static function load( array $ids ): array {
		if ( ! $ids ) {
			return [];
		}
		global $wpdb;
		$t    = Tables::conversations();
		$rows = $wpdb->get_results( "SELECT * FROM {$t} WHERE id IN (" . implode( ',', $ids ) . ')', OBJECT_K );
		$out  = [];
		foreach ( $ids as $id ) {
			if ( isset( $rows[ $id ] ) ) {
				$out[] = (array) $rows[ $id ];
			}
		}
		return $out;
	}

	public static function present( array $rows ): array {
		$users = [];
		$ids   = array_values( array_unique( array_filter( array_map( 'intval', array_column( $rows, 'user_id' ) ) ) ) );
		if ( $ids ) {
			foreach ( get_users(
				[
					'include' => $ids,
					'fields'  => [ 'ID', 'display_name' ],
				]
			) as $u ) {
				$users[ (int) $u->ID ] = $u->display_name;
			}
		}
		$bots = Catalog::registered_bots();
		$mods = Catalog::registered_modules();
		return array_map(
			static function ( $r ) use ( $users, $bots, $mods ) {
				$uid = (int) $r['user_id'];
				return [
					'id'            => (int) $r['id'],
					'module'        => $r['module'],
					'module_name'   => $mods[ $r['module'] ] ?? $r['module'],
					'bot_id'        => $r['bot_id'],
					'bot_name'      => '' === $r['bot_id'] ? '' : ( $bots[ $r['bot_id'] ] ?? $r['bot_id'] ),
					'user_id'       => $uid,
					'user_name'     => $uid ? ( $users[ $uid ] ?? sprintf( 'User #%d', $uid ) ) : '',
					'guest_key'     => $r['guest_key'],
					'reference'     => self::reference( $r ),
					'first_at'      => self::iso( $r['first_at'] ),
					'last_at'       => self::iso( $r['last_at'] ),
					'exchanges'     => (int) $r['exchanges'],
					'input_tokens'  => (int) $r['input_tokens'],
					'output_tokens' => (int) $r['output_tokens'],
					'credits'       => $r['credits'],
					'last_preview'  => $r['last_preview'],
				];
			},
			$rows
		);
	}

	/**
	 * The module's own conversation id, read back from the key (LogWriter::conversation_key);
	 * null when the key had to be hashed (very long ids) or the module sent none.
	 */
	public static function reference( array $r ): ?string {
		$key    = (string) ( $r['conversation_key'] ?? '' );
		$prefix = LogWriter::owner( (int) $r['user_id'], (string) $r['guest_key'] ) . ':' . $r['module'] . ':' . $r['bot_id'] . ':';
		if ( 0 !== strpos( $key, $prefix ) ) {
			return null;
		}
		$ref = substr( $key, strlen( $prefix ) );
		// LogWriter gives an exchange without a conversation id its own: "x" + a UUID.
		return preg_match( '/^x[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $ref ) ? null : $ref;
	}

	public static function iso( string $mysql_utc ): string {
		return str_replace( ' ', 'T', $mysql_utc ) . 'Z';
	}
}
