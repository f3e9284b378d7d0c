<?php
namespace AipkitUsage\Billing;

// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- SQL is composed only of the plugin's own table names (Tables::*), integer id lists (intval) and fragments built by $wpdb->prepare(); every value goes through prepare(). WordPress 6.1 has no %i for identifiers.

/**
 * Providers and models offered when creating a pricing rule: a built-in list of well-known models,
 * models seen in the logs and the ledger (recent rows, cached), and models other modules register (filter aipkit_usage_models,
 * e.g. after "Sync models" in AI Providers). A free-text model or `*` is always allowed.
 */
final class ModelCatalog {
	private const BUILT_IN = [
		'openai'     => [ 'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o3-mini', 'dall-e-3', 'gpt-image-1', 'sora' ],
		'google'     => [ 'gemini-2.0-flash', 'gemini-1.5-pro', 'gemini-1.5-flash', 'imagen-3.0-generate-002', 'veo-2.0-generate-001' ],
		'claude'     => [ 'claude-3-5-sonnet-latest', 'claude-3-5-haiku-latest', 'claude-3-opus-latest' ],
		'openrouter' => [ 'openrouter/auto', 'meta-llama/llama-3.1-70b-instruct', 'mistralai/mistral-large' ],
		'deepseek'   => [ 'deepseek-chat', 'deepseek-reasoner' ],
		'xai'        => [ 'grok-2', 'grok-2-image' ],
		'azure'      => [ 'gpt-4o', 'gpt-4o-mini' ],
		'ollama'     => [ 'llama3.1', 'mistral', 'qwen2.5' ],
		'replicate'  => [ 'black-forest-labs/flux-schnell', 'stability-ai/sdxl' ],
	];

	private const SEEN_CACHE = 'aipkit_usage_seen_models';
	private const SEEN_TTL   = 5 * MINUTE_IN_SECONDS;
	private const SEEN_SCAN  = 20000;
	private const SEEN_MAX   = 500;

	public const LABELS = [
		'openai'     => 'OpenAI',
		'google'     => 'Google',
		'claude'     => 'Claude',
		'openrouter' => 'OpenRouter',
		'deepseek'   => 'DeepSeek',
		'xai'        => 'xAI',
		'azure'      => 'Azure',
		'ollama'     => 'Ollama',
		'replicate'  => 'Replicate',
	];

	/** @return array<int,array{provider:string,label:string,models:array<int,array{model:string,source:string}>}> */
	public static function all(): array {
		$out = [];
		$add = static function ( string $provider, string $model, string $source ) use ( &$out ) {
			$provider = strtolower( trim( $provider ) );
			$model    = trim( $model );
			if ( '' === $provider || '' === $model ) {
				return;
			}
			if ( ! isset( $out[ $provider ][ $model ] ) ) {
				$out[ $provider ][ $model ] = $source;
			}
		};
		foreach ( self::BUILT_IN as $p => $models ) {
			foreach ( $models as $m ) {
				$add( $p, $m, 'built_in' );
			}
		}
		foreach ( self::seen() as $r ) {
			$add( $r['provider'], $r['model'], 'seen' );
		}
		/**
		 * Models synced by AI modules: a list of ['provider' => 'openai', 'model' => 'gpt-4o'].
		 */
		$registered = apply_filters( 'aipkit_usage_models', [] );
		foreach ( is_array( $registered ) ? $registered : [] as $r ) {
			if ( is_array( $r ) && isset( $r['provider'], $r['model'] ) && is_string( $r['provider'] ) && is_string( $r['model'] ) ) {
				$add( $r['provider'], $r['model'], 'registered' );
			}
		}
		$list = [];
		foreach ( $out as $p => $models ) {
			$items = [];
			foreach ( $models as $m => $source ) {
				$items[] = [
					'model'  => $m,
					'source' => $source,
				];
			}
			$list[] = [
				'provider' => $p,
				'label'    => self::LABELS[ $p ] ?? $p,
				'models'   => $items,
			];
		}
		return $list;
	}

	/**
	 * Distinct provider/model pairs of the most recent log exchanges and usage ledger rows. Each
	 * scan is bounded (the newest SEEN_SCAN rows, read backwards along KEY created_id) and the
	 * merged list is cached for SEEN_TTL, so the catalog costs the same at any table size.
	 *
	 * @return array<int,array{provider:string,model:string}>
	 */
	public static function seen(): array {
		$cached = get_transient( self::SEEN_CACHE );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		global $wpdb;
		$pairs = [];
		foreach ( [
			\AipkitUsage\Schema\Schema::table( 'logs' ) => '',
			Tables::ledger()                            => "WHERE kind = 'usage'",
		] as $table => $where ) {
			$rows = (array) $wpdb->get_results(
				$wpdb->prepare(
					"SELECT DISTINCT provider, model FROM (SELECT provider, model FROM $table FORCE INDEX (created_id) $where ORDER BY created_at DESC, id DESC LIMIT %d) recent
					 WHERE provider <> '' AND model <> '' LIMIT %d",
					self::SEEN_SCAN,
					self::SEEN_MAX
				),
				ARRAY_A
			);
			foreach ( $rows as $r ) {
				$pairs[ strtolower( $r['provider'] ) . "\0" . $r['model'] ] = [
					'provider' => $r['provider'],
					'model'    => $r['model'],
				];
			}
		}
		$pairs = array_slice( array_values( $pairs ), 0, self::SEEN_MAX );
		set_transient( self::SEEN_CACHE, $pairs, self::SEEN_TTL );
		return $pairs;
	}

	public static function forget_seen(): void {
		delete_transient( self::SEEN_CACHE );
	}

	/**
	 * Bots and forms modules register (filter aipkit_usage_bots): ['module' => 'chatbot', 'bot_id' => '12', 'name' => 'Support bot'].
	 */
	public static function bots(): array {
		$bots = apply_filters( 'aipkit_usage_bots', [] );
		$out  = [];
		foreach ( is_array( $bots ) ? $bots : [] as $b ) {
			if ( is_array( $b ) && isset( $b['module'], $b['bot_id'] ) ) {
				$out[] = [
					'module'      => (string) $b['module'],
					'bot_id'      => (string) $b['bot_id'],
					'name'        => (string) ( $b['name'] ?? $b['bot_id'] ),
					'usage_types' => array_values( (array) ( $b['usage_types'] ?? [] ) ),
				];
			}
		}
		return $out;
	}
}
