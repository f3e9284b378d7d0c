<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/**
 * A deterministic stand-in for an AI provider: the same input always gives the same reply, token
 * counts and vector context, so demos and browser tests are reproducible. No network.
 */
final class SimulatedProvider {
	private const SYSTEM_PROMPT = 'You are a helpful demo assistant for AI Puffer.';

	/** Rough provider-style token count: about 4 characters per token. */
	public static function tokens( string $text ): int {
		return (int) max( 1, ceil( mb_strlen( $text ) / 4 ) );
	}

	public static function input_tokens( string $message ): int {
		return self::tokens( self::SYSTEM_PROMPT ) + self::tokens( $message );
	}

	/**
	 * How many images a prompt asks for ("a cat and a dog" → 2, at most 4). The endpoint authorizes
	 * exactly this many before generating: a module must authorize what it will deliver.
	 */
	public static function image_count( string $message ): int {
		return max( 1, min( 4, (int) preg_match_all( '/\band\b/i', $message ) + 1 ) );
	}

	/** @return array{reply:string,input_tokens:int,output_tokens:int,images:int,vector_context:array,chunks:string[],image_urls:string[]} */
	public static function complete( string $usage_type, string $message ): array {
		if ( 'image_generate' === $usage_type ) {
			$n    = self::image_count( $message );
			$urls = [];
			for ( $i = 0; $i < $n; $i++ ) {
				$urls[] = PlaceholderImage::data_url( $message, $i );
			}
			return [
				'reply'          => sprintf( 'Generated %d image(s) for: %s', $n, $message ),
				'input_tokens'   => 0,
				'output_tokens'  => 0,
				'images'         => $n,
				'vector_context' => [],
				'chunks'         => [],
				'image_urls'     => $urls,
			];
		}
		$h     = crc32( $message );
		$reply = 'form_submit' === $usage_type
			? sprintf( 'Product description #%d: %s. Crafted with care and made to last. %s', $h % 1000, rtrim( mb_substr( $message, 0, 120 ), '. ' ), str_repeat( 'A practical choice for every day. ', 1 + $h % 3 ) )
			: sprintf( 'Demo reply #%d: you asked about "%s". %s', $h % 1000, mb_substr( $message, 0, 80 ), str_repeat( 'Here is some more detail. ', 1 + $h % 5 ) );
		$ctx   = [];
		if ( preg_match( '/\b(docs?|manual|guide|pricing)\b/i', $message ) ) {
			$ctx = [
				[
					'provider' => 'demo-vectors',
					'source'   => 'docs/pricing.md',
					'score'    => '0.91',
					'preview'  => 'Pricing rules tell AI Puffer how many credits a model operation should cost.',
				],
				[
					'provider' => 'demo-vectors',
					'source'   => 'docs/balances.md',
					'score'    => '0.74',
					'preview'  => 'Balances store prepaid credits for logged-in users.',
				],
				[
					'provider' => 'demo-vectors',
					'source'   => 'blog/unrelated.md',
					'score'    => '0.42',
					'preview'  => 'Our office dog has a new bed.',
				],
			];
		}
		return [
			'reply'          => trim( $reply ),
			'input_tokens'   => self::input_tokens( $message ),
			'output_tokens'  => self::tokens( $reply ),
			'images'         => 0,
			'vector_context' => $ctx,
			'chunks'         => preg_split( '/(?<=\s)/', trim( $reply ) ),
			'image_urls'     => [],
		];
	}
}
