<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer ranges cast with intval and conditions built with prepare() (WordMatch).

/**
 * How often the indexed words of a search occur in the whole table, estimated from a sample of id
 * ranges, and which of them FULLTEXT should read. MariaDB's FULLTEXT reads every match of every
 * word of a boolean query before it filters or limits (even with LIMIT 1), so its cost follows
 * these numbers: ~7 s for a word in a sixth of 1,000,000 rows, whatever else the search asks.
 *
 * The sample is the newest rows plus a few short ranges spread evenly over the older ids, so a
 * word frequent only in old rows (a retired product, a past campaign) shows too: one range per
 * stratum, so a word filling any stratum's worth of consecutive ids is always seen.
 */
final class WordFrequency {
	/** @var int newest ids sampled (a property so tests can shrink the sample on a small table) */
	public static $newest_rows = 500;
	/** @var int ids per probe below the newest rows */
	public static $probe_rows = 125;
	/** @var int probes, one in the middle of each equal stratum of the older ids */
	public static $probes = 8;

	/** @var array<string,int> the per-word sample counts of the search being estimated */
	private $hits = [];
	/** @var int ids the sample covers */
	private $sampled = 0;
	/** @var int ids from the oldest row to $max */
	private $span = 0;
	/** @var array<int,array{0:int,1:int}> sampled id ranges [lo, hi) */
	private $ranges = [];

	private function __construct( int $min, int $max ) {
		$this->span   = max( 0, $max - $min );
		$this->ranges = self::ranges( $min, $max );
		foreach ( $this->ranges as $r ) {
			$this->sampled += $r[1] - $r[0];
		}
	}

	/**
	 * The id ranges sampled below $max: the newest $newest_rows, then $probes ranges of $probe_rows,
	 * one in the middle of each equal stratum of the older ids; the whole table when it is smaller.
	 *
	 * @return array<int,array{0:int,1:int}>
	 */
	private static function ranges( int $min, int $max ): array {
		if ( $max - $min <= self::$newest_rows + self::$probes * self::$probe_rows ) {
			return [ [ $min, $max ] ];
		}
		$top = $max - self::$newest_rows;
		$out = [ [ $top, $max ] ];
		if ( self::$probes < 1 ) {
			return $out;
		}
		$stride = ( $top - $min ) / self::$probes;
		for ( $i = 0; $i < self::$probes; $i++ ) {
			$lo    = (int) ( $min + $stride * ( $i + 0.5 ) - self::$probe_rows / 2 );
			$out[] = [ max( $min, $lo ), min( $top, $lo + self::$probe_rows ) ];
		}
		return $out;
	}

	/**
	 * Matches of each word in the sample, counted in one pass over the sampled rows.
	 *
	 * @param string[] $words
	 * @return array<string,int>
	 */
	private function word_hits( array $words ): array {
		global $wpdb;
		$todo = array_values( array_diff( $words, array_keys( $this->hits ) ) );
		if ( $todo ) {
			$in   = implode(
				' OR ',
				array_map(
					static function ( $r ) {
						return sprintf( '(l.id >= %d AND l.id < %d)', $r[0], $r[1] );
					},
					$this->ranges
				)
			);
			$sums = [];
			foreach ( $todo as $i => $w ) {
				// The collation-aware LIKE, not WordMatch's word-start check: 10–50 times cheaper on rows
				// that hold the word (no REGEXP_REPLACE), and an estimate needs no more. It also counts
				// the word inside longer words (errs towards "frequent": a bounded read, never a slow
				// FULLTEXT) and misses only expansions (ß for "ss").
				$like   = '%' . $wpdb->esc_like( $w ) . '%';
				$sums[] = $wpdb->prepare( 'SUM(l.user_message LIKE %s OR l.reply LIKE %s)', $like, $like ) . " AS h{$i}";
			}
			$row = $wpdb->get_row( 'SELECT ' . implode( ', ', $sums ) . ' FROM ' . Tables::logs() . " l WHERE ({$in})", ARRAY_N );
			foreach ( $todo as $i => $w ) {
				$this->hits[ $w ] = (int) ( $row[ $i ] ?? 0 );
			}
		}
		return array_intersect_key( $this->hits, array_flip( $words ) );
	}

	/**
	 * With several indexed words, FULLTEXT is asked for the rarest alone (fewest sample matches; the
	 * longer word on a tie) and the others are checked on its rows: "warranty kangaroo" then costs
	 * what "kangaroo" costs, not what "warranty" does.
	 */
	public static function narrow_fulltext( SearchTerms $s, ?int $max = null ): void {
		if ( null !== $s->fulltext || count( $s->indexed ) < 2 ) {
			return;
		}
		global $wpdb;
		$ends = $wpdb->get_row( 'SELECT MIN(id) AS lo, MAX(id) AS hi FROM ' . Tables::logs(), ARRAY_A );
		( new self( (int) ( $ends['lo'] ?? 0 ), $max ?? 1 + (int) ( $ends['hi'] ?? 0 ) ) )->narrow( $s );
	}

	private function narrow( SearchTerms $s ): void {
		if ( null !== $s->fulltext || count( $s->indexed ) < 2 ) {
			return;
		}
		$best = null;
		$all  = $this->word_hits( $s->indexed );
		foreach ( $s->indexed as $w ) {
			$hits = $all[ $w ];
			if ( null === $best || $hits < $best[0] || ( $hits === $best[0] && mb_strlen( $w ) > mb_strlen( $best[1] ) ) ) {
				$best = [ $hits, $w ];
			}
		}
		$s->fulltext = [ $best[1] ];
	}

	/**
	 * Whether the FULLTEXT query this search would send reads more than $cap matches: the words it
	 * would read (after narrow_fulltext; all of them when it reads several), not the combination the
	 * user typed — two frequent words that never meet match nothing together, yet FULLTEXT still
	 * reads every match of the rarer one.
	 */
	public static function too_frequent( SearchTerms $s, int $min, int $max, int $cap ): bool {
		$est = new self( $min, $max );
		$est->narrow( $s );
		$reads = array_sum( $est->word_hits( $s->fulltext ?? $s->indexed ) );
		return $reads * $est->span > $cap * max( 1, $est->sampled );
	}
}
