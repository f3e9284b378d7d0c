<?php
namespace AipkitUsage\Logs;

use WP_Error;

/**
 * The filter set shared by the list, count, delete and export: validated once,
 * so every path matches exactly the same rows.
 */
final class Filters {
	public const BOT_ALL  = '';
	public const BOT_NONE = '__none__';
	public const RANGES   = [ 7, 30, 90 ];

	/** @var string */
	public $module = '';
	/** @var string BOT_ALL, BOT_NONE or a bot id */
	public $bot = self::BOT_ALL;
	/** @var int 0 = all time */
	public $days = 0;
	/** @var SearchTerms|null */
	public $search;
	/** @var int 0 = any user */
	public $user_id = 0;
	/** @var int the request's "now", so one request filters one instant */
	public $now;

	/**
	 * @param array $in raw request params: search, bot, module, range (days), user_id
	 * @return Filters|WP_Error
	 */
	public static function from_request( array $in, ?int $now = null ) {
		$f      = new self();
		$f->now = $now ?? time();

		$range = isset( $in['range'] ) ? (string) $in['range'] : '';
		if ( '' !== $range && 'all' !== $range ) {
			if ( ! ctype_digit( $range ) || ! in_array( (int) $range, self::RANGES, true ) ) {
				return self::error( 'range', __( 'Date range must be 7, 30 or 90 days (or empty for all time).', 'aipkit-usage' ) );
			}
			$f->days = (int) $range;
		}

		$module = isset( $in['module'] ) ? (string) $in['module'] : '';
		if ( '' !== $module ) {
			if ( ! preg_match( '/^[a-z0-9_\-]{1,32}$/', $module ) || ! Catalog::module_known( $module ) ) {
				return self::error( 'module', __( 'Unknown module.', 'aipkit-usage' ) );
			}
			$f->module = $module;
		}

		$bot = isset( $in['bot'] ) ? (string) $in['bot'] : '';
		if ( '' !== $bot && self::BOT_NONE !== $bot ) {
			// A well-formed bot id with no logs (any more: its logs were just deleted) is a valid
			// filter that matches nothing; the screen shows that filter's empty state, not an error.
			if ( strlen( $bot ) > 64 || ! preg_match( '//u', $bot ) || preg_match( '/[\x00-\x1F\x7F]/', $bot ) ) {
				return self::error( 'bot', __( 'A bot id is at most 64 bytes of text.', 'aipkit-usage' ) );
			}
		}
		$f->bot = $bot;

		if ( isset( $in['user_id'] ) && '' !== (string) $in['user_id'] ) {
			if ( ! ctype_digit( (string) $in['user_id'] ) ) {
				return self::error( 'user_id', __( 'user_id must be a positive integer.', 'aipkit-usage' ) );
			}
			$f->user_id = (int) $in['user_id'];
		}

		$search = isset( $in['search'] ) ? $in['search'] : '';
		if ( ! is_string( $search ) ) {
			return self::error( 'search', __( 'Search must be text.', 'aipkit-usage' ) );
		}
		if ( '' !== trim( $search ) ) {
			$terms = SearchTerms::parse( $search );
			if ( is_wp_error( $terms ) ) {
				return $terms;
			}
			$f->search = $terms;
		}
		return $f;
	}

	public function cutoff(): ?string {
		return $this->days > 0 ? gmdate( 'Y-m-d H:i:s', $this->now - $this->days * DAY_IN_SECONDS ) : null;
	}

	public function to_array(): array {
		return [
			'search' => $this->search ? $this->search->raw : '',
			'bot'    => $this->bot,
			'module' => $this->module,
			'range'  => $this->days ? (string) $this->days : '',
		];
	}

	public static function error( string $field, string $message ): WP_Error {
		return new WP_Error(
			'aipkit_invalid_filter',
			$message,
			[
				'status' => 400,
				'field'  => $field,
			]
		);
	}
}
