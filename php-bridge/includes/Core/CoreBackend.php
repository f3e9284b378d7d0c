<?php
namespace AipkitUsage\Core;

defined( 'ABSPATH' ) || defined( 'AIPKIT_USAGE_CORE_STANDALONE' ) || exit;

/**
 * One way of running the Rust core: the native library through FFI (Ffi) or the same core compiled
 * to PHP (PhpCore). Both answer every operation byte for byte alike (tests/php-core).
 */
interface CoreBackend {
	/** 'ffi' or 'php'. */
	public function name(): string;

	/**
	 * Runs one core operation; throws CoreException with the core's error code.
	 *
	 * @param array<string,mixed> $input The request (amounts as decimal strings).
	 * @return array<string,mixed>
	 */
	public function call( string $op, array $input ): array;

	/**
	 * The `price` op on the compact text request (Ffi::text_request()).
	 *
	 * @return array{credits:string,rule_id:?int,fallback:bool,units:string}
	 */
	public function price_text( string $text ): array;

	/**
	 * The raw answer without decoding: [status, body] (status 0 ok, 1 core error, 2 internal error).
	 *
	 * @return array{0:int,1:string}
	 */
	public function call_json( string $op, string $json ): array;
}
