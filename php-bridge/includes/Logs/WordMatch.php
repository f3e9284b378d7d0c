<?php
namespace AipkitUsage\Logs;

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
 * A cheap LIKE narrows first when it cannot lose a match (ASCII term: only a non-ASCII text can
 * match it without containing it literally).
 */
final class WordMatch {
	/** PCRE class of separators, shared with SearchTerms. */
	public const SEPARATORS = '[^\p{L}\p{M}\p{N}_]+|[\x{10000}-\x{10FFFF}]+';

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
				self::SEPARATORS,
				$end,
				$word,
				$end
			);
			if ( preg_match( '/^[a-z0-9_]+$/', $word ) ) {
				$like  = '%' . $wpdb->esc_like( $word ) . '%';
				$check = $wpdb->prepare( "({$col} LIKE %s OR {$col} REGEXP %s)", $like, '[^\x{00}-\x{7F}]' ) . " AND {$check}";
			}
			$out[] = "({$check})";
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
