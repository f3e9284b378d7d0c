<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, Squiz.PHP.DisallowSizeFunctionsInLoops.Found -- SQL holds only our table names (Tables), integer lists cast with intval and condition strings built with prepare() (LogQuery, WordMatch, TermIndex); the hit list grows inside the loop.

/**
 * One search page read from the logs downwards in windows (ConversationList::page_scanned): the
 * primary key in id ranges, or under a module, bot or user filter that filter's own rows
 * (walk_index). Each window's matches are collected; then a verdict decides whether to read the
 * next window, hand the rest to FULLTEXT, or stop with a partial page:
 *
 * - With indexed words, by the match density the windows show (not by a clock: under load a time
 *   budget handed frequent words to FULLTEXT, which reads every match). Dense enough to fill the
 *   page within SCAN_ROWS_CAP rows: keep reading; sparser: FULLTEXT answers the rest, cheap for a
 *   word it reads few matches of. When the word(s) FULLTEXT would read are frequent in the whole
 *   table (WordFrequency), the windows go on, bounded by rows and time, and the page is partial past
 *   the bound ("Keep searching").
 * - Stopwords only (no index): by a time budget, then partial.
 */
final class WindowScan {
	/** Stopword-only searches (no index can serve them) scan this long, then answer partial: within 300 ms over HTTP. */
	private const BUDGET_S = 0.15;
	/** Rows in the first window (then ×4 each window). */
	private const FIRST_WINDOW = 250;
	/** With indexed words, rows scanned without a single match before the density rule hands over. */
	private const NO_HIT_HANDOVER = 250;
	/** With indexed words, the most rows the windows check before FULLTEXT answers the rest. */
	private const SCAN_ROWS_CAP = 8000;

	/** The windows reached the end (or the page is full): nothing left to read. */
	public const DONE = 'done';
	/** FULLTEXT answers the rest below $hi. */
	public const INDEX = 'index';
	/** Out of rows or time with more left below $hi: a partial page. */
	public const PARTIAL = 'partial';
	private const MORE   = 'more';

	/** @var Filters */
	private $f;
	/** @var int page size */
	private $n;
	/** @var string row conditions (filters and the search as row checks) */
	private $where;
	/** @var int 1 + the newest id */
	public $max;
	/** @var int where this page starts: min(cursor, $max) */
	public $top;
	/** @var int the windows read everything at or above this id */
	public $hi;
	/** @var int the oldest id: below it id windows would read nothing, page after page (retention purges the oldest ids) */
	private $floor;
	/** @var array{0:string,1:string}|null ConversationList::walk_index */
	private $walk;
	/** @var array<int,array{cid:string,hit:string}> conversations found, by their newest match */
	public $hits = [];
	/** @var array<string,bool> conversations seen in the windows (listed or listed on an earlier page) */
	private $listed = [];
	/** @var int rows checked so far: ids for id windows, the filter's rows when walking it */
	private $seen = 0;
	/** @var int the filter's rows in the last window (walking a filter) */
	private $seen_in_window = 0;
	/** @var bool|null whether FULLTEXT would read too many matches (asked once, when the density rule hands over) */
	private $frequent = null;
	/** @var int rows in the next window */
	private $size;
	/** @var float */
	private $start;
	/** @var float seconds, see the constructor */
	private $budget_s;

	/**
	 * @param array|null $walk     ConversationList::walk_index
	 * @param bool|null  $frequent WordFrequency::too_frequent when the caller has asked already
	 * @param float|null $budget_s seconds a bounded read may take (default ConversationList::$walk_budget_s)
	 */
	public function __construct( Filters $f, int $n, int $before, ?array $walk, ?bool $frequent = null, ?float $budget_s = null ) {
		global $wpdb;
		$this->f        = $f;
		$this->n        = $n;
		$this->walk     = $walk;
		$this->frequent = $frequent;
		$this->budget_s = $budget_s ?? ConversationList::$walk_budget_s;
		$this->where    = LogQuery::log_where( $f, 'scan' );
		$ends           = $wpdb->get_row( 'SELECT MIN(id) AS lo, MAX(id) AS hi FROM ' . Tables::logs(), ARRAY_A );
		$this->floor    = max( 1, (int) ( $ends['lo'] ?? 1 ) );
		$this->max      = 1 + (int) ( $ends['hi'] ?? 0 );
		$this->top      = min( $before, $this->max );
		$this->hi       = $this->top;
		// Windows start small and grow ×4: a frequent word (a third of all rows) fills a page from the
		// newest few hundred rows, and every row here pays the collation-aware word check.
		$this->size  = min( self::FIRST_WINDOW, ConversationList::$window );
		$this->start = microtime( true );
	}

	/** @return string DONE, INDEX or PARTIAL */
	public function run(): string {
		while ( ! $this->finished() && count( $this->hits ) <= $this->n ) {
			$w0 = microtime( true );
			$lo = $this->next_window();
			if ( null === $lo ) {
				$this->hi = $this->floor; // no row of the filter left below: the search is complete
				break;
			}
			$this->collect( $lo );
			$rows     = $this->walk ? $this->seen_in_window : $this->hi - $lo;
			$this->hi = $lo;
			$per_row  = ( microtime( true ) - $w0 ) / max( 1, $rows );
			$verdict  = $this->f->search->indexed ? $this->by_density( $per_row ) : $this->by_budget( $per_row );
			if ( self::MORE !== $verdict ) {
				return $verdict;
			}
		}
		return self::DONE;
	}

	/** Matching conversations in the rows read so far (the match count when the scan is bounded). */
	public function conversations(): int {
		return count( $this->listed );
	}

	/** Whether every row below the cursor has been read. */
	public function finished(): bool {
		return $this->hi <= $this->floor;
	}

	/** The next window's lower id bound (its rows are [lo, hi)), or null when the filter has no row left below $hi. */
	private function next_window(): ?int {
		global $wpdb;
		if ( ! $this->walk ) {
			$lo          = max( $this->floor, $this->hi - $this->size );
			$this->seen += $this->hi - $lo;
			return $lo;
		}
		// The next $size rows of the filter below $hi, read from its index alone.
		$l = Tables::logs();
		$b = $wpdb->get_row(
			$wpdb->prepare( "SELECT COUNT(*) AS n, MIN(w.id) AS lo FROM (SELECT l.id FROM {$l} l FORCE INDEX ({$this->walk[0]}) WHERE {$this->walk[1]} AND l.id < %d ORDER BY l.id DESC LIMIT %d) w", $this->hi, $this->size ),
			ARRAY_A
		);
		if ( ! $b || 0 === (int) $b['n'] ) {
			return null;
		}
		$this->seen_in_window = (int) $b['n'];
		$this->seen          += $this->seen_in_window;
		return (int) $b['lo'];
	}

	/**
	 * The window's matching conversations, each at its newest match. A conversation belongs to the
	 * window holding its newest match, so one that also matches above a window was listed there (or
	 * on an earlier page) and is skipped. Above the windows already read that is known from their own
	 * results; only rows at or above the cursor (earlier pages) need a query, once per window.
	 */
	private function collect( int $lo ): void {
		global $wpdb;
		$l     = Tables::logs();
		$force = $this->walk ? "FORCE INDEX ({$this->walk[0]})" : '';
		$rows  = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT l.conversation_id AS cid, MAX(l.id) AS hit FROM {$l} l {$force} WHERE l.id >= %d AND l.id < %d {$this->where}
				GROUP BY l.conversation_id ORDER BY hit DESC",
				$lo,
				$this->hi
			),
			ARRAY_A
		);
		if ( ! $rows ) {
			return;
		}
		$listed = $this->listed;
		$above  = [];
		$fresh  = array_filter(
			$rows,
			static function ( $r ) use ( $listed ) {
				return ! isset( $listed[ $r['cid'] ] );
			}
		);
		if ( $fresh && $this->top < $this->max ) {
			$cids  = implode( ',', array_map( 'intval', array_column( $fresh, 'cid' ) ) );
			$above = array_flip(
				$wpdb->get_col(
					$wpdb->prepare( "SELECT DISTINCT l.conversation_id FROM {$l} l WHERE l.conversation_id IN ({$cids}) AND l.id >= %d {$this->where}", $this->top )
				)
			);
		}
		foreach ( $rows as $r ) {
			if ( ! isset( $this->listed[ $r['cid'] ] ) && ! isset( $above[ $r['cid'] ] ) ) {
				$this->hits[] = $r;
			}
			$this->listed[ $r['cid'] ] = true;
		}
	}

	/**
	 * With indexed words: read on while the matches are dense enough to fill the page within
	 * SCAN_ROWS_CAP rows (a sparse word is cheap for FULLTEXT: ≤ (page + 1) / SCAN_ROWS_CAP of all
	 * rows match); else hand over, unless FULLTEXT would read too many matches (a frequent word
	 * sparse under a filter, or frequent words that never meet): then read on, bounded.
	 */
	private function by_density( float $per_row ): string {
		$found = count( $this->listed );
		$need  = $this->n + 1 - count( $this->hits );
		$rest  = 0 === $found ? PHP_INT_MAX : (int) ceil( $need * $this->seen / $found );
		if ( 0 === $found ? $this->seen < self::NO_HIT_HANDOVER : $this->seen + $rest <= self::SCAN_ROWS_CAP ) {
			$this->size = min( ConversationList::$window, max( 250, min( $this->size * 4, ( 0 === $found ? self::NO_HIT_HANDOVER : self::SCAN_ROWS_CAP ) - $this->seen ) ) );
			return self::MORE;
		}
		$this->frequent ??= WordFrequency::too_frequent( $this->f->search, $this->floor, $this->max, ConversationList::$fulltext_match_cap );
		if ( ! $this->frequent ) {
			return self::INDEX;
		}
		$spent = microtime( true ) - $this->start;
		if ( $this->seen >= ConversationList::$walk_rows_cap || $spent >= $this->budget_s ) {
			return self::PARTIAL;
		}
		// Grow ×4, but no window past what the rest of the budget can read at the rate just seen.
		$fits       = $per_row > 0 ? (int) ( ( $this->budget_s - $spent ) / $per_row ) : PHP_INT_MAX;
		$this->size = min( ConversationList::$window, max( 100, min( $this->size * 4, ConversationList::$walk_rows_cap - $this->seen, $fits ) ) );
		return self::MORE;
	}

	/** Stopwords only: read on while the time budget lasts. */
	private function by_budget( float $per_row ): string {
		$spent = microtime( true ) - $this->start;
		if ( $spent > self::BUDGET_S ) {
			return self::PARTIAL;
		}
		// The next window grows ×4 but never past what the rest of the budget can check at the rate
		// just seen: one oversized window would overshoot the budget by hundreds of ms.
		$fits = $per_row > 0 ? (int) ( ( self::BUDGET_S - $spent ) / $per_row ) : PHP_INT_MAX;
		if ( $fits < min( 500, ConversationList::$window ) ) {
			return self::PARTIAL;
		}
		$this->size = min( ConversationList::$window, max( 500, min( $this->size * 4, $fits ) ) );
		return self::MORE;
	}
}
