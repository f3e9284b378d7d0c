<?php
namespace AipkitUsage\Logs;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- only fixed column names (l.user_message, l.reply), a collation name checked against [a-z0-9_] and conditions already built with prepare().

/**
 * The row-by-row twin of the FULLTEXT `+word*` match, evaluated in SQL with the column's own
 * collation so both paths compare words exactly the way InnoDB does:
 *
 * - Words: the text is cut at every character InnoDB's tokenizer treats as a separator
 *   (anything but letters, marks, digits and `_`; characters above U+FFFF, e.g. emoji, too —
 *   InnoDB gives them no word class). SearchTerms splits the user's input with the same class.
 * - Prefix: InnoDB compares a token with the term through the collation (accent- and
 *   case-insensitive, ß = ss, Œ = oe). A per-character LIKE cannot do that (LIKE '%strasse%'
 *   misses "Straße"), so the check compares collation weights: the text's weight string must
 *   contain, at a weight boundary, the weights of " " + term.
 *
 * A cheap collation-aware LIKE narrows first when it cannot lose a match (see EXPANDING).
 */
final class WordMatch {
	/**
	 * Characters a per-character LIKE cannot compare the way the collation's weights do: everything
	 * above Latin Extended-B (combining marks, other scripts, compatibility forms) and the Latin
	 * letters that expand to several weights (ß = ss, æ = ae, œ = oe, ĳ, ŀ, ŉ, ǆ, ǉ, ǌ, ǳ, ¼ ½ ¾).
	 * A text without them matches a term without them only if the collation-aware `LIKE '%term%'`
	 * does (é = e, case ignored, character by character), so LIKE can narrow before the costly
	 * weight check without ever losing a match.
	 */
	public const EXPANDING = '[^\x{0000}-\x{024F}]|[ßÆæŒœĲĳĿŀŉǄ-ǌǱ-ǳ¼½¾]';

	/** The Latin letters of EXPANDING and the base letters they expand to (at the primary level). */
	private const EXPANSIONS = [
		'ß' => 's',
		'Æ' => 'ae',
		'æ' => 'ae',
		'Œ' => 'oe',
		'œ' => 'oe',
		'Ĳ' => 'ij',
		'ĳ' => 'ij',
		'Ŀ' => 'l',
		'ŀ' => 'l',
		'ŉ' => 'n',
		'Ǆ' => 'dz',
		'ǅ' => 'dz',
		'ǆ' => 'dz',
		'Ǉ' => 'lj',
		'ǈ' => 'lj',
		'ǉ' => 'lj',
		'Ǌ' => 'nj',
		'ǋ' => 'nj',
		'ǌ' => 'nj',
		'Ǳ' => 'dz',
		'ǲ' => 'dz',
		'ǳ' => 'dz',
		'¼' => '14',
		'½' => '12',
		'¾' => '34',
	];

	/**
	 * EXPANDING narrowed to what can matter for this term: an expansion can only help a match
	 * when the term holds one of the letters it expands to ("café" cannot match through ß).
	 */
	public static function expanding_for( string $word ): string {
		$base = mb_strtolower( $word );
		if ( class_exists( '\Normalizer' ) ) {
			$nfd  = \Normalizer::normalize( $base, \Normalizer::FORM_D );
			$base = false === $nfd ? $base : (string) preg_replace( '/\p{M}+/u', '', $nfd );
		}
		$chars = '';
		foreach ( self::EXPANSIONS as $ch => $letters ) {
			if ( false !== strpbrk( $base, $letters ) ) {
				$chars .= $ch;
			}
		}
		return '[^\x{0000}-\x{024F}]' . ( '' !== $chars ? '|[' . $chars . ']' : '' );
	}

	/** PCRE class of separators, shared with SearchTerms. */
	public const SEPARATORS = '[^\p{L}\p{M}\p{N}_]+|[\x{10000}-\x{10FFFF}]+';

	/**
	 * SEPARATORS as the SQL REGEXP_REPLACE pattern: case-sensitive (`(?-i)`). MariaDB compiles
	 * patterns caseless under a _ci collation, and PCRE2 then folds the case of every code point
	 * of `[\x{10000}-\x{10FFFF}]` at compile time — measured 13–52 ms per occurrence per statement,
	 * against 0.1–0.4 ms case-sensitive; a search word puts four of them in each scan window's query.
	 * Same set either way: whether a character is a letter, mark, digit or above U+FFFF does not
	 * depend on its case, and no case pair crosses U+FFFF.
	 */
	private const SQL_SEPARATORS = '(?-i)' . self::SEPARATORS;

	/** @var array<string,string> table => collation of user_message/reply */
	private static $collation = [];

	/**
	 * @param bool $whole true: $word must be a whole word (the TermIndex's match, used to check
	 *                    that index against the text); false: $word starts a word (FULLTEXT `+word*`).
	 * @return string " AND (…)" prepared: $word starts (or is) a word in the user message or the reply
	 */
	public static function condition( string $word, bool $whole = false ): string {
		global $wpdb;
		$coll = self::collation( Tables::logs() );
		$end  = $whole ? ' ' : '';
		$out  = [];
		foreach ( [ 'l.user_message', 'l.reply' ] as $col ) {
			$check = $wpdb->prepare(
				"HEX(WEIGHT_STRING(CONCAT(' ', REGEXP_REPLACE({$col}, %s, ' '), %s))) REGEXP CONCAT('^(?:.{4})*?', HEX(WEIGHT_STRING(CONCAT(' ', CONVERT(%s USING utf8mb4), %s) COLLATE {$coll})))",
				self::SQL_SEPARATORS,
				$end,
				$word,
				$end
			);
			if ( ! preg_match( '/' . self::EXPANDING . '/u', $word ) ) {
				// Texts without a character that could expand into the term: the collation-aware LIKE
				// compares them exactly as the weights do, character by character, so a plain LIKE
				// (then the same LIKE at a word start) decides; only the other texts pay for the weights.
				$exp = self::expanding_for( $word );
				// LIKE first: most rows fail it. Every character EXPANDING names is outside ASCII, so a
				// text whose byte length equals its character length (pure ASCII, the common case) skips
				// the REGEXP of both branches: LENGTH is free, CHAR_LENGTH a byte scan, REGEXP a PCRE run.
				$fast  = $wpdb->prepare(
					"({$col} LIKE %s AND (LENGTH({$col}) = CHAR_LENGTH({$col}) OR {$col} NOT REGEXP %s) AND CONCAT(' ', REGEXP_REPLACE({$col}, %s, ' '), ' ') LIKE %s)",
					'%' . $wpdb->esc_like( $word ) . '%',
					$exp,
					self::SQL_SEPARATORS,
					'% ' . $wpdb->esc_like( $word ) . ( $whole ? ' %' : '%' )
				);
				$check = $fast . ' OR ' . $wpdb->prepare( "(LENGTH({$col}) <> CHAR_LENGTH({$col}) AND {$col} REGEXP %s AND {$check})", $exp );
			}
			$out[] = "({$check})";
		}
		return ' AND (' . implode( ' OR ', $out ) . ')';
	}

	/**
	 * A cheap condition every row condition( $word ) matches also meets, or '' when the word itself
	 * holds a character EXPANDING names (then there is none). For such a word a column matches only if
	 * its collation-aware LIKE '%word%' does or it holds a character that could expand into the word
	 * (the two branches of condition()), so this is exact to put first: with several words, a row
	 * that lacks any of them fails on LIKEs alone, before any word's REGEXP_REPLACE runs. Two words
	 * each in a sixth of all rows that never meet cost 30 µs a row without it (each row holding one
	 * of them paid that word's word-start check).
	 *
	 * @return string " AND (…)" prepared
	 */
	public static function prefilter( string $word ): string {
		global $wpdb;
		if ( preg_match( '/' . self::EXPANDING . '/u', $word ) ) {
			return '';
		}
		$like = '%' . $wpdb->esc_like( $word ) . '%';
		$exp  = self::expanding_for( $word );
		$out  = [];
		foreach ( [ 'l.user_message', 'l.reply' ] as $col ) {
			$out[] = $wpdb->prepare( "{$col} LIKE %s OR (LENGTH({$col}) <> CHAR_LENGTH({$col}) AND {$col} REGEXP %s)", $like, $exp );
		}
		return ' AND (' . implode( ' OR ', $out ) . ')';
	}

	/** The collation of the searched columns, read from the server once per table and process. */
	public static function collation( string $table ): string {
		if ( ! isset( self::$collation[ $table ] ) ) {
			global $wpdb;
			$c = (string) $wpdb->get_var(
				$wpdb->prepare(
					"SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = 'user_message'",
					$table
				)
			);
			// An identifier goes into SQL unquoted: accept only a collation name's characters.
			self::$collation[ $table ] = preg_match( '/^[a-z0-9_]{1,64}$/', $c ) ? $c : 'utf8mb4_unicode_520_ci';
		}
		return self::$collation[ $table ];
	}
}
