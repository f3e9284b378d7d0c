<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- SQL holds only our table names (Tables), integer lists cast with intval and conditions built with prepare().

use WP_Error;

/**
 * A user's search text split into words. Every word must occur in the user message or the reply.
 * Words the FULLTEXT index can serve (long enough, not a stopword) become `+word*` in boolean mode;
 * words shorter than the FULLTEXT minimum are looked up whole in the TermIndex ("qx", "7");
 * the rest (stopwords, beginnings of stopwords) become escaped LIKE conditions.
 * Only letters, marks, digits and `_` (below U+10000, as InnoDB's tokenizer sees it) survive into a
 * word, so quotes and boolean operators in the input are never interpreted.
 */
final class SearchTerms {
	public const MAX_CHARS  = 200;
	private const MAX_WORDS = 12;

	/** @var string */
	public $raw;
	/** @var string[] words for the FULLTEXT index */
	public $indexed = [];
	/**
	 * @var string[]|null the indexed words FULLTEXT reads (null: all of them). The others are
	 *                    checked row by row on what it returns: MariaDB reads every match of every
	 *                    word in the query, so one frequent word makes a rare combination slow.
	 */
	public $fulltext = null;
	/** @var string[] short words (TermIndex): each must be a whole word of the text */
	public $terms = [];
	/** @var string[] substrings matched with LIKE (stopwords, beginnings of stopwords, punctuation) */
	public $short = [];

	/** @var array|null */
	private static $ft_config;

	/** @return SearchTerms|WP_Error */
	public static function parse( string $text ) {
		if ( ! preg_match( '//u', $text ) ) {
			return Filters::error( 'search', __( 'Search text is not valid UTF-8.', 'aipkit-usage' ) );
		}
		if ( mb_strlen( $text ) > self::MAX_CHARS ) {
			/* translators: %d: maximum number of characters */
			return Filters::error( 'search', sprintf( __( 'Search text is limited to %d characters.', 'aipkit-usage' ), self::MAX_CHARS ) );
		}
		$t      = new self();
		$t->raw = trim( $text );
		$words  = preg_split( '/' . WordMatch::SEPARATORS . '/u', mb_strtolower( $t->raw ), -1, PREG_SPLIT_NO_EMPTY );
		$words  = array_slice( array_values( array_unique( $words ) ), 0, self::MAX_WORDS );
		if ( ! $words ) {
			// Only punctuation (e.g. "=(" or "%"): match it literally.
			$t->short[] = $t->raw;
			return $t;
		}
		$cfg = self::ft_config();
		foreach ( $words as $w ) {
			$len = mb_strlen( $w );
			if ( $len >= $cfg['min'] && $len <= $cfg['max'] && ! isset( $cfg['stop'][ $w ] ) && ! self::starts_stopword( $w, $cfg['stop'] ) ) {
				$t->indexed[] = $w;
			} elseif ( TermIndex::holds( $w, $cfg ) ) {
				$t->terms[] = $w;
			} else {
				$t->short[] = $w;
			}
		}
		return $t;
	}

	/**
	 * A word that begins a stopword ("abou" → "about") cannot be served by the index, which holds no
	 * stopwords: `+abou*` would miss "about" while a row check finds it. Such words go to LIKE in
	 * both paths, so they still agree.
	 */
	private static function starts_stopword( string $w, array $stop ): bool {
		foreach ( $stop as $s => $_ ) {
			if ( strlen( (string) $s ) > strlen( $w ) && 0 === strpos( (string) $s, $w ) ) {
				return true;
			}
		}
		return false;
	}

	/** @return string[] every word of the search, for highlighting (the screen marks these) */
	public function words(): array {
		return array_values( array_merge( $this->indexed, $this->terms, $this->short ) );
	}

	/**
	 * How the screen marks each word in a match: `start` = at the start of a word (FULLTEXT
	 * words), `whole` = a whole word (short words), `any` = anywhere (stopwords, punctuation).
	 *
	 * @return list<array{word:string,mode:string}>
	 */
	public function highlight(): array {
		$out = [];
		foreach ( $this->indexed as $w ) {
			$out[] = [
				'word' => $w,
				'mode' => 'start',
			];
		}
		foreach ( $this->terms as $w ) {
			$out[] = [
				'word' => $w,
				'mode' => 'whole',
			];
		}
		foreach ( $this->short as $w ) {
			$out[] = [
				'word' => $w,
				'mode' => 'any',
			];
		}
		return $out;
	}

	public function boolean_query(): string {
		return implode(
			' ',
			array_map(
				static function ( $w ) {
					return '+' . $w . '*';
				},
				$this->fulltext ?? $this->indexed
			)
		);
	}

	/** @return array{min:int,max:int,stop:array} the server's tokenizer settings, read once per process */
	public static function ft_config(): array {
		if ( null === self::$ft_config ) {
			global $wpdb;
			$min  = (int) $wpdb->get_var( 'SELECT @@innodb_ft_min_token_size' );
			$max  = (int) $wpdb->get_var( 'SELECT @@innodb_ft_max_token_size' );
			$user = (string) $wpdb->get_var( 'SELECT @@innodb_ft_server_stopword_table' );
			$use  = (int) $wpdb->get_var( 'SELECT @@innodb_ft_enable_stopword' );
			$stop = [];
			if ( $use ) {
				$list = [];
				if ( '' !== $user && preg_match( '/^[A-Za-z0-9_]+\/[A-Za-z0-9_]+$/', $user ) ) {
					list( $db, $tbl ) = explode( '/', $user );
					$list = $wpdb->get_col( "SELECT value FROM `{$db}`.`{$tbl}`" ); // phpcs:ignore -- identifiers validated above
				} else {
					$list = $wpdb->get_col( 'SELECT value FROM INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD' );
				}
				foreach ( (array) $list as $w ) {
					$stop[ mb_strtolower( $w ) ] = true;
				}
			}
			self::$ft_config = [
				'min'  => $min > 0 ? $min : 3,
				'max'  => $max > 0 ? $max : 84,
				'stop' => $stop,
			];
		}
		return self::$ft_config;
	}
}
