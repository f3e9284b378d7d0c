<?php
namespace AipkitUsage\Core;

defined( 'ABSPATH' ) || defined( 'AIPKIT_USAGE_CORE_STANDALONE' ) || exit;

/**
 * The core as plain PHP: php-bridge/generated/core.php, which bin/build-core writes by compiling
 * the core's import-free wasm32 build (src/bindings/cabi.rs) with wasm2php/. Needs no extension and
 * no php.ini change; FFI is only faster.
 *
 * The module is instantiated lazily, once per request (its initial memory is a class constant that
 * opcache keeps in shared memory). A trap (a Rust panic, a memory fault) answers status 2 with the
 * same internal_error the FFI path gives for a caught panic, and the instance is discarded, since
 * its memory may be inconsistent; the next call starts a fresh one.
 */
final class PhpCore implements CoreBackend {
	public const CLASS_NAME = '\\AipkitUsage\\Generated\\CoreWasm';

	private const PANIC = '{"code":"internal_error","message":"The core hit an internal error; nothing was changed.","field":null}';

	private static ?PhpCore $instance = null;

	/** @var object|null the generated module instance */
	private ?object $module = null;

	/** Instantiations in this process (tests check "at most once per request"). */
	public static int $instantiations = 0;

	public static function instance(): self {
		return self::$instance ??= new self();
	}

	public function name(): string {
		return 'php';
	}

	public static function file_path(): string {
		if ( defined( 'AIPKIT_USAGE_PHP_CORE' ) && '' !== (string) constant( 'AIPKIT_USAGE_PHP_CORE' ) ) {
			return (string) constant( 'AIPKIT_USAGE_PHP_CORE' );
		}
		return dirname( __DIR__, 2 ) . '/generated/core.php';
	}

	/** Null when the generated core can be used, else why not (never throws). */
	public static function availability(): ?string {
		if ( PHP_INT_SIZE < 8 ) {
			return 'The PHP core needs 64-bit PHP (PHP_INT_SIZE is ' . PHP_INT_SIZE . ').';
		}
		if ( class_exists( self::CLASS_NAME, false ) ) {
			return null;
		}
		$file = self::file_path();
		if ( ! is_readable( $file ) ) {
			return 'The PHP core ' . $file . ' is missing; run "npm run build" (bin/build-core) or reinstall the plugin package.';
		}
		return null;
	}

	/**
	 * PHP 8.2's JIT cannot be trusted with the generated core: the tracing JIT miscomputes it (seen:
	 * answers differ from FFI, runaway memory.grow; tests/php-core/PhpCoreTest.php), and the function
	 * JIT, compiling its 3 MB of methods at load, ran out of a 128 MB memory_limit. A request that uses
	 * the PHP core therefore switches the JIT off for itself before the core is loaded; opcache still
	 * caches the compiled file.
	 */
	private static function guard_jit(): void {
		$jit = strtolower( trim( (string) ini_get( 'opcache.jit' ) ) );
		if ( '' !== $jit && ! in_array( $jit, [ 'off', 'disable', '0' ], true ) ) {
			ini_set( 'opcache.jit', 'off' ); // phpcs:ignore WordPress.PHP.IniSet.Risky -- the JIT gives wrong answers or runs out of memory on this code.
		}
	}

	private function module(): object {
		if ( null === $this->module ) {
			self::guard_jit();
			if ( ! class_exists( self::CLASS_NAME, false ) ) {
				$reason = self::availability();
				if ( null !== $reason ) {
					// phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- plain-text reason; escaped where it is shown.
					throw new \RuntimeException( $reason );
				}
				require_once self::file_path();
			}
			$class        = self::CLASS_NAME;
			$this->module = new $class();
			++self::$instantiations;
		}
		return $this->module;
	}

	public function call( string $op, array $input ): array {
		$json              = [] === $input ? '{}' : Ffi::encode( $input );
		[ $status, $body ] = $this->call_json( $op, $json );
		if ( 0 !== $status ) {
			Ffi::throw_core_error( $body, $status );
		}
		return json_decode( $body, true, 512, JSON_THROW_ON_ERROR );
	}

	public function call_json( string $op, string $json ): array {
		$m = $this->module();
		try {
			// One buffer, op name then request; aipkit_run frees it and packs the answer's address
			// (bits 0-31), length (32-61) and status (62-63) into one int (src/bindings/cabi.rs):
			// four module calls per core call instead of ten.
			$len = strlen( $op ) + strlen( $json );
			$ptr = $m->x_aipkit_alloc( $len );
			$m->write( $ptr, $op . $json );
			$r = $m->x_aipkit_run( $ptr, strlen( $op ), $len );
			return [ ( $r >> 62 ) & 3, $m->read( $r & 0xFFFFFFFF, ( $r >> 32 ) & 0x3FFFFFFF ) ];
		} catch ( \Throwable $e ) {
			return $this->trapped( $e );
		}
	}

	public function price_text( string $text ): array {
		$m = $this->module();
		try {
			$len = strlen( $text );
			$ptr = $m->x_aipkit_alloc( $len );
			$m->write( $ptr, $text );
			$status = $m->x_aipkit_price_text( $ptr, $len );
			$body   = $m->read( $m->x_aipkit_out_ptr(), $m->x_aipkit_out_len() );
			$m->x_aipkit_dealloc( $ptr, $len );
		} catch ( \Throwable $e ) {
			[ $status, $body ] = $this->trapped( $e );
		}
		if ( 0 !== $status ) {
			Ffi::throw_core_error( $body, $status );
		}
		return Ffi::price_answer( $body );
	}

	/** @return array{0:int,1:string} */
	private function trapped( \Throwable $e ): array {
		$this->module = null;
		if ( function_exists( 'do_action' ) ) {
			/** Fires when the PHP core traps (a panic or a fault in the compiled core); the call answers internal_error. */
			do_action( 'aipkit_usage_core_trap', $e->getMessage() );
		}
		return [ 2, self::PANIC ];
	}

	/** Drops the module instance (tests; a trap does the same). */
	public function reset(): void {
		$this->module = null;
	}
}
