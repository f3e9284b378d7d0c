<?php
namespace AipkitUsage\Core;

// phpcs:disable WordPress.Security.EscapeOutput.ExceptionNotEscaped -- exception texts here are plain text for logs, WP_Error data and Site Health, escaped where they are shown.
// phpcs:disable WordPress.PHP.NoSilencedErrors.Discouraged, WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- reads the plugin's own local header file; failure is checked and explained, and a PHP warning would print the path before WordPress can report it.
// phpcs:disable WordPress.WP.AlternativeFunctions.json_encode_json_encode -- needs JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR exactly: the core must receive the same bytes on every host.

defined( 'ABSPATH' ) || defined( 'AIPKIT_USAGE_CORE_STANDALONE' ) || exit;

/**
 * The only PHP that touches FFI: loads php-bridge/aipkit_core.h + the native core once per process
 * and runs core operations as JSON in, JSON out (docs/contract.md §3).
 *
 * Two ways to load, both supported:
 *  - ffi.enable=1: FFI::cdef() with the header's declarations and the library path
 *    (constant AIPKIT_USAGE_LIB overrides the bundled php-bridge/lib/libaipkit_usage.so);
 *  - ffi.enable=preload + ffi.preload=<header with FFI_SCOPE "aipkit_usage">: FFI::scope().
 * The buffer the library returns is released with aipkit_free() in a finally block, never by PHP.
 */
final class Ffi implements CoreBackend {
	/** Must equal aipkit_abi_version() of the library; bumped with every ABI change. */
	public const ABI_VERSION = 2;
	public const SCOPE       = 'aipkit_usage';

	private static ?Ffi $instance = null;

	private \FFI $ffi;
	/** @var \FFI\CData uint8_t* out-param, reused across calls */
	private \FFI\CData $out;
	/** @var \FFI\CData size_t out-param, reused across calls */
	private \FFI\CData $out_len;
	/** @var \FFI\CData pointers to the two out-params, made once (FFI::addr per call costs time) */
	private \FFI\CData $out_ptr;
	private \FFI\CData $out_len_ptr;

	private function __construct( \FFI $ffi ) {
		$this->ffi         = $ffi;
		$this->out         = $ffi->new( 'uint8_t*' );
		$this->out_len     = $ffi->new( 'size_t' );
		$this->out_ptr     = \FFI::addr( $this->out );
		$this->out_len_ptr = \FFI::addr( $this->out_len );
	}

	/**
	 * The process-wide instance. Throws \RuntimeException (not CoreException) when the core cannot be
	 * loaded; call availability() first for a readable reason.
	 */
	public static function instance(): self {
		if ( null !== self::$instance ) {
			return self::$instance;
		}
		$ffi     = self::load();
		$version = (int) $ffi->aipkit_abi_version();
		if ( self::ABI_VERSION !== $version ) {
			throw new \RuntimeException(
				sprintf( 'The core library %s has ABI version %d but this plugin needs %d; rebuild or reinstall the plugin.', self::library_path(), $version, self::ABI_VERSION )
			);
		}
		self::$instance = new self( $ffi );
		return self::$instance;
	}

	public function name(): string {
		return 'ffi';
	}

	public static function library_path(): string {
		if ( defined( 'AIPKIT_USAGE_LIB' ) && '' !== (string) constant( 'AIPKIT_USAGE_LIB' ) ) {
			return (string) constant( 'AIPKIT_USAGE_LIB' );
		}
		return dirname( __DIR__, 2 ) . '/lib/libaipkit_usage.so';
	}

	public static function header_path(): string {
		return dirname( __DIR__, 2 ) . '/aipkit_core.h';
	}

	/**
	 * The header for php.ini's ffi.preload: a copy of aipkit_core.h that bin/build-core writes with the
	 * library's absolute path in FFI_LIB (PHP resolves a relative FFI_LIB against the working
	 * directory, so aipkit_core.h itself only works from the plugin folder).
	 */
	public static function preload_header_path(): string {
		return dirname( __DIR__, 2 ) . '/lib/aipkit_core.preload.h';
	}

	/** The plugin's opcache.preload entry (compiles this class so it may use FFI under ffi.enable=preload). */
	public static function preload_script_path(): string {
		return dirname( __DIR__, 2 ) . '/preload.php';
	}

	private static function load(): \FFI {
		if ( '' !== (string) ini_get( 'ffi.preload' ) ) {
			try {
				return \FFI::scope( self::SCOPE );
			} catch ( \Throwable $e ) {
				// Preloaded headers without our scope: fall through to cdef where allowed.
				unset( $e );
			}
		}
		// Check the file before dlopen maps it: a truncated library kills PHP with SIGBUS.
		$damaged = LibraryCheck::problem( self::library_path() );
		if ( null !== $damaged ) {
			// phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- plain-text reason; escaped where it is shown.
			throw new \RuntimeException( $damaged );
		}
		$header = @file_get_contents( self::header_path() );
		if ( false === $header ) {
			throw new \RuntimeException( 'Cannot read the core header ' . self::header_path() . '.' );
		}
		// FFI::cdef has no preprocessor: drop the FFI_SCOPE/FFI_LIB lines meant for FFI::load.
		$decls = (string) preg_replace( '/^\s*#.*$/m', '', $header );
		return \FFI::cdef( $decls, self::library_path() );
	}

	/**
	 * Null when the core can be used in this process, else the precise reason and the fix.
	 * Never throws.
	 */
	public static function availability(): ?string {
		if ( ! extension_loaded( 'ffi' ) || ! class_exists( \FFI::class ) ) {
			return 'The PHP FFI extension is not loaded; install/enable it (Debian: it is part of php8.2-common; check "extension=ffi").';
		}
		$mode = strtolower( trim( (string) ini_get( 'ffi.enable' ) ) );
		$sapi = PHP_SAPI;
		if ( in_array( $mode, [ '0', 'off', 'false', 'no', '' ], true ) ) {
			return 'FFI is disabled (ffi.enable=' . ( '' === $mode ? '0' : $mode ) . '); set ffi.enable=1 in php.ini for the ' . $sapi . ' SAPI.';
		}
		if ( 'preload' === $mode && ! in_array( $sapi, [ 'cli', 'phpdbg' ], true ) ) {
			$scoped = false;
			if ( '' !== (string) ini_get( 'ffi.preload' ) ) {
				try {
					\FFI::scope( self::SCOPE );
					$scoped = true;
				} catch ( \Throwable $e ) {
					unset( $e );
				}
			}
			if ( ! $scoped ) {
				return 'ffi.enable=preload does not allow FFI in the ' . $sapi . ' SAPI unless the core is preloaded; set ffi.enable=1, or preload the core: ffi.preload=' . self::preload_header_path() . ' (written by bin/build-core with the absolute FFI_LIB path), opcache.enable=1, opcache.preload=' . self::preload_script_path() . ' and opcache.preload_user=<the PHP user>.';
			}
		}
		if ( null === self::$instance ) {
			$lib = self::library_path();
			if ( '' === (string) ini_get( 'ffi.preload' ) ) {
				if ( ! is_file( $lib ) ) {
					return 'The core library ' . $lib . ' is missing; run bin/build-core (or reinstall the plugin), or point the AIPKIT_USAGE_LIB constant at it.';
				}
				if ( ! is_readable( $lib ) ) {
					return 'The core library ' . $lib . ' is not readable by the PHP process.';
				}
			}
			try {
				self::instance();
			} catch ( \Throwable $e ) {
				return 'The core library could not be loaded: ' . $e->getMessage();
			}
		}
		return null;
	}

	/**
	 * Runs one core operation. Returns the response array; throws CoreException with the core's
	 * error code on a core error (status 1) or a caught panic (status 2, code internal_error).
	 *
	 * @param array<string,mixed> $input The request (amounts as decimal strings).
	 * @return array<string,mixed>
	 */
	public function call( string $op, array $input ): array {
		// json_encode([]) is "[]"; an empty request is an object.
		$json   = [] === $input ? '{}' : self::encode( $input );
		$status = $this->ffi->aipkit_call( $op, strlen( $op ), $json, strlen( $json ), $this->out_ptr, $this->out_len_ptr );
		$body   = $this->take_output( $status );
		if ( 0 !== $status ) {
			self::throw_core_error( $body, $status );
		}
		return json_decode( $body, true, 512, JSON_THROW_ON_ERROR );
	}

	/**
	 * Copies the answer the library wrote to the out-params and gives the buffer straight back to the
	 * library (the only owner allowed to free it). Status 3 means the out-params were left untouched.
	 */
	private function take_output( int $status ): string {
		if ( 3 === $status ) {
			throw new CoreException( 'internal_error', 'The core refused the call arguments (null pointer).', null, 3 );
		}
		$len = (int) $this->out_len->cdata;
		try {
			return \FFI::string( $this->out, $len );
		} finally {
			$this->ffi->aipkit_free( $this->out, $len );
		}
	}

	/** Status 1 (core error) and 2 (caught panic) carry the core's error JSON: code, message, field. */
	public static function throw_core_error( string $body, int $status ): never {
		$e = json_decode( $body, true, 512, JSON_THROW_ON_ERROR );
		throw new CoreException(
			(string) ( $e['code'] ?? 'internal_error' ),
			(string) ( $e['message'] ?? 'The core failed without a message.' ),
			isset( $e['field'] ) ? (string) $e['field'] : null,
			$status
		);
	}

	/**
	 * Invalid UTF-8 (e.g. in logged text headed for a CSV export) becomes U+FFFD rather than failing;
	 * values JSON cannot hold (NAN, INF, resources) are bad input, reported like the core reports it.
	 */
	public static function encode( array $input ): string {
		try {
			return json_encode( $input, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR );
		} catch ( \JsonException $e ) {
			throw new CoreException( 'malformed_input', 'Malformed input: ' . $e->getMessage() . '.', null, 1 );
		}
	}

	/**
	 * The `price` op on the compact text request (see textRequest()): no JSON either way, for the
	 * metering hot path. Same answer array as call('price', …): credits, rule_id, fallback, units.
	 *
	 * @return array{credits:string,rule_id:?int,fallback:bool,units:string}
	 */
	public function price_text( string $text ): array {
		$status = $this->ffi->aipkit_price_text( $text, strlen( $text ), $this->out_ptr, $this->out_len_ptr );
		$body   = $this->take_output( $status );
		if ( 0 !== $status ) {
			self::throw_core_error( $body, $status );
		}
		return self::price_answer( $body );
	}

	/**
	 * The answer line of the compact price ("credits\trule_id\tfallback\tunits") as an array.
	 *
	 * @return array{credits:string,rule_id:?int,fallback:bool,units:string}
	 */
	public static function price_answer( string $body ): array {
		[ $credits, $rule_id, $fallback, $units ] = explode( "\t", $body );
		return [
			'credits'  => $credits,
			'rule_id'  => '' === $rule_id ? null : (int) $rule_id,
			'fallback' => '1' === $fallback,
			'units'    => $units,
		];
	}

	/**
	 * The rules part of a compact price request, built once per rule set (e.g. per page load) and
	 * reused for every priced request: "\n" + one tab-separated line per rule.
	 *
	 * @param array<int,array<string,mixed>> $rules Rule rows (extra DB columns are ignored).
	 */
	public static function text_rules( array $rules ): string {
		$out = '';
		foreach ( $rules as $r ) {
			$out .= "\n" . self::text_line( [ $r['id'] ?? null, $r['usage_type'] ?? null, $r['provider'] ?? null, $r['model'] ?? null, $r['method'] ?? null, $r['input_rate'] ?? null, $r['output_rate'] ?? null, $r['unit_rate'] ?? null ] );
		}
		return $out;
	}

	/**
	 * A whole compact price request: the usage line followed by textRules( $rules ) (pass the
	 * string it returned). Missing counts are 0, as in the JSON request.
	 *
	 * @param array<string,mixed> $usage usage_type, provider, model, input_tokens, output_tokens, images, videos.
	 */
	public static function text_request( array $usage, string $text_rules ): string {
		return self::text_line( [ $usage['usage_type'] ?? null, $usage['provider'] ?? null, $usage['model'] ?? null, $usage['input_tokens'] ?? null, $usage['output_tokens'] ?? null, $usage['images'] ?? null, $usage['videos'] ?? null ] ) . $text_rules;
	}

	/** Tab and newline are the separators: a value holding one (never valid) is refused, not shifted. */
	private static function text_line( array $fields ): string {
		foreach ( $fields as $i => $v ) {
			if ( null === $v || is_string( $v ) || is_int( $v ) ) {
				$fields[ $i ] = (string) $v;
				continue;
			}
			throw new CoreException( 'malformed_input', 'Malformed input: a price request field must be a string, an integer or null.', null, 1 );
		}
		$line = implode( "\t", $fields );
		if ( strpbrk( implode( '', $fields ), "\t\n" ) !== false ) {
			throw new CoreException( 'malformed_input', 'Malformed input: a price request field contains a tab or a newline.', null, 1 );
		}
		return $line;
	}

	/** The core's raw JSON answer (status, body) without decoding: for benchmarks and vector tests. */
	public function call_json( string $op, string $json ): array {
		$status = $this->ffi->aipkit_call( $op, strlen( $op ), $json, strlen( $json ), $this->out_ptr, $this->out_len_ptr );
		return [ (int) $status, 3 === $status ? '' : $this->take_output( $status ) ];
	}
}
