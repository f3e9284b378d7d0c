<?php
namespace AipkitUsage\Billing;

/**
 * Providers and models offered when creating a pricing rule: a built-in list of well-known models,
 * models already seen in the ledger, and models other modules register (filter aipkit_usage_models,
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
		global $wpdb;
		$seen = $wpdb->get_results( 'SELECT DISTINCT provider, model FROM ' . Tables::ledger() . " WHERE kind = 'usage' AND created_at > UTC_TIMESTAMP() - INTERVAL 90 DAY AND provider <> '' LIMIT 500", ARRAY_A ) ?: [];
		foreach ( $seen as $r ) {
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
				$items[] = [ 'model' => $m, 'source' => $source ];
			}
			$list[] = [ 'provider' => $p, 'label' => self::LABELS[ $p ] ?? $p, 'models' => $items ];
		}
		return $list;
	}

	/**
	 * Bots and forms modules register (filter aipkit_usage_bots): ['module' => 'chatbot', 'bot_id' => '12', 'name' => 'Support bot'].
	 */
	public static function bots(): array {
		$bots = apply_filters( 'aipkit_usage_bots', [] );
		$out  = [];
		foreach ( is_array( $bots ) ? $bots : [] as $b ) {
			if ( is_array( $b ) && isset( $b['module'], $b['bot_id'] ) ) {
				$out[] = [ 'module' => (string) $b['module'], 'bot_id' => (string) $b['bot_id'], 'name' => (string) ( $b['name'] ?? $b['bot_id'] ), 'usage_types' => array_values( (array) ( $b['usage_types'] ?? [] ) ) ];
			}
		}
		return $out;
	}
}
