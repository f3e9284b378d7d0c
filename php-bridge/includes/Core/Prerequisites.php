<?php
namespace AipkitUsage\Core;

defined( 'ABSPATH' ) || exit;

/**
 * Decides which backend runs the core in this PHP process (docs/core.md): the native library
 * through FFI when the SAPI allows it, else the same core compiled to PHP (php-bridge/generated);
 * the constant AIPKIT_USAGE_BACKEND or the setting core_backend ('ffi'|'php') forces either.
 * problem() is what stops the plugin altogether (old or 32-bit PHP, no usable backend);
 * ffi_problem() says exactly why FFI is not used and which php.ini lines enable it.
 *
 * Every fact comes from a probe so tests can inject the environments they cannot create
 * in-process (FFI disabled, library missing, wrong version) while production uses the real ones.
 */
final class Prerequisites {
	public const MIN_PHP = '8.1';

	/** @var array<string,mixed> */
	private array $probes;

	/**
	 * Kept with the reason unspelled (a closure) where it is translated: the plugin checks at load,
	 * before `init`, and translating then is "too early" (a notice on every request of a site without
	 * FFI). problem() and ffi_problem() spell the reason when someone reads it.
	 *
	 * @var array{code:string,reason:string|\Closure}|null|false false = not checked yet
	 */
	private array|null|false $problem = false;

	/** @var array{code:string,reason:string|\Closure}|null|false false = not checked yet */
	private array|null|false $ffi_problem = false;

	public const BACKENDS = [ 'ffi', 'php' ];

	/**
	 * @param array<string,mixed> $probes Overrides for: php_version, int_size, forced_backend ('auto'|'ffi'|'php'),
	 *        ffi_loaded, ffi_enable, sapi, opcache_preload, ffi_preload, library_path, library_readable,
	 *        library_check (?string), core_availability (callable: ?string), core_version (callable: string),
	 *        php_core_availability (callable: ?string), plugin_version.
	 */
	public function __construct( array $probes = [] ) {
		$this->probes = $probes;
	}

	private function probe( string $name ): mixed {
		if ( array_key_exists( $name, $this->probes ) ) {
			return $this->probes[ $name ];
		}
		switch ( $name ) {
			case 'php_version':
				return PHP_VERSION;
			case 'int_size':
				return PHP_INT_SIZE;
			case 'forced_backend':
				return self::forced_backend();
			case 'library_check':
				return LibraryCheck::problem( (string) $this->probe( 'library_path' ) );
			case 'php_core_availability':
				return static fn (): ?string => PhpCore::availability();
			case 'ffi_loaded':
				return extension_loaded( 'ffi' );
			case 'ffi_enable':
				return (string) ini_get( 'ffi.enable' );
			case 'sapi':
				return PHP_SAPI;
			case 'opcache_preload':
				return (string) ini_get( 'opcache.preload' );
			case 'ffi_preload':
				return (string) ini_get( 'ffi.preload' );
			case 'library_path':
				return self::library_path();
			case 'library_readable':
				return is_readable( (string) $this->probe( 'library_path' ) );
			case 'plugin_version':
				return AIPKIT_USAGE_VERSION;
			case 'core_availability':
				return static function (): ?string {
					if ( ! class_exists( Ffi::class ) ) {
						return __( 'The FFI bridge class AipkitUsage\Core\Ffi is missing from the plugin files.', 'aipkit-usage' );
					}
					return Ffi::availability();
				};
			case 'core_version':
				return static function (): string {
					$out = Ffi::instance()->call( 'version', [] );
					return (string) ( $out['version'] ?? '' );
				};
		}
		return null;
	}

	/** The AIPKIT_USAGE_LIB constant (wp-config.php) overrides the bundled library's location. */
	public static function library_path(): string {
		if ( defined( 'AIPKIT_USAGE_LIB' ) && '' !== (string) AIPKIT_USAGE_LIB ) {
			return (string) AIPKIT_USAGE_LIB;
		}
		return AIPKIT_USAGE_DIR . 'lib/libaipkit_usage.so';
	}

	public static function header_path(): string {
		return AIPKIT_USAGE_DIR . 'aipkit_core.h';
	}

	public static function preload_path(): string {
		return Ffi::preload_script_path();
	}

	/** For ffi.preload: lib/aipkit_core.preload.h, aipkit_core.h with the absolute FFI_LIB (bin/build-core). */
	public static function preload_header_path(): string {
		return Ffi::preload_header_path();
	}

	/**
	 * 'ffi' or 'php' forced by the constant AIPKIT_USAGE_BACKEND (wp-config.php) or, without it, by
	 * the setting core_backend; 'auto' when neither forces a backend.
	 */
	public static function forced_backend(): string {
		if ( defined( 'AIPKIT_USAGE_BACKEND' ) ) {
			$value = strtolower( (string) constant( 'AIPKIT_USAGE_BACKEND' ) );
			return in_array( $value, self::BACKENDS, true ) ? $value : 'auto';
		}
		if ( function_exists( 'get_option' ) && class_exists( \AipkitUsage\Settings::class ) ) {
			$value = (string) ( \AipkitUsage\Settings::all()['core_backend'] ?? 'auto' );
			return in_array( $value, self::BACKENDS, true ) ? $value : 'auto';
		}
		return 'auto';
	}

	/** The backend this process uses: the forced one, else FFI when usable, else the PHP core. */
	public function backend(): string {
		$forced = (string) $this->probe( 'forced_backend' );
		if ( in_array( $forced, self::BACKENDS, true ) ) {
			return $forced;
		}
		return null === $this->raw_ffi_problem() ? 'ffi' : 'php';
	}

	public function is_met(): bool {
		return null === $this->raw_problem();
	}

	/** What stops the plugin from running at all, or null. @return array{code:string,reason:string}|null */
	public function problem(): ?array {
		return self::spelled( $this->raw_problem() );
	}

	/** Why FFI is not used in this process, or null when it can be. @return array{code:string,reason:string}|null */
	public function ffi_problem(): ?array {
		return self::spelled( $this->raw_ffi_problem() );
	}

	private function raw_problem(): ?array {
		if ( false === $this->problem ) {
			$this->problem = $this->detect();
		}
		return $this->problem;
	}

	private function raw_ffi_problem(): ?array {
		if ( false === $this->ffi_problem ) {
			$this->ffi_problem = $this->detect_ffi();
		}
		return $this->ffi_problem;
	}

	/** @return array{code:string,reason:string}|null */
	private static function spelled( ?array $problem ): ?array {
		if ( null !== $problem && $problem['reason'] instanceof \Closure ) {
			$problem['reason'] = (string) ( $problem['reason'] )();
		}
		return $problem;
	}

	/** @return array{code:string,reason:string}|null */
	private function detect(): ?array {
		$php = (string) $this->probe( 'php_version' );
		if ( version_compare( $php, self::MIN_PHP, '<' ) ) {
			/* translators: 1: required PHP version, 2: running PHP version */
			return $this->fail( 'php_version', fn () => sprintf( __( 'PHP %1$s or newer is required; this site runs PHP %2$s.', 'aipkit-usage' ), self::MIN_PHP, $php ) );
		}
		if ( (int) $this->probe( 'int_size' ) < 8 ) {
			/* translators: %d: PHP_INT_SIZE of the running PHP */
			return $this->fail( 'php_32bit', fn () => sprintf( __( 'AI Puffer Usage needs 64-bit PHP: its exact credit arithmetic uses 64-bit integers, and this PHP is a 32-bit build (PHP_INT_SIZE = %d). Ask your host to switch the site to a 64-bit PHP.', 'aipkit-usage' ), (int) $this->probe( 'int_size' ) ) );
		}
		if ( 'ffi' === $this->backend() ) {
			// Auto only picks FFI when it works; a forced FFI that does not work stops the plugin.
			return $this->raw_ffi_problem();
		}
		try {
			$reason = ( $this->probe( 'php_core_availability' ) )();
		} catch ( \Throwable $e ) {
			$reason = $e->getMessage();
		}
		if ( null !== $reason ) {
			/* translators: 1: why the PHP core cannot run, 2: why FFI cannot be used */
			return $this->fail( 'no_backend', fn () => sprintf( __( 'Neither way of running the core works here. PHP core: %1$s FFI: %2$s', 'aipkit-usage' ), $reason, null === $this->ffi_problem() ? __( 'forced off by AIPKIT_USAGE_BACKEND or the core_backend setting.', 'aipkit-usage' ) : $this->ffi_problem()['reason'] ) );
		}
		return null;
	}

	/** @return array{code:string,reason:string}|null */
	private function detect_ffi(): ?array {
		if ( ! $this->probe( 'ffi_loaded' ) ) {
			return $this->fail( 'ffi_missing', fn () => __( 'The PHP FFI extension is not loaded. Install or enable it (Debian/Ubuntu: it is built into php8.x-cli/fpm; elsewhere install the php-ffi package) and restart PHP.', 'aipkit-usage' ) );
		}
		$enable = strtolower( trim( (string) $this->probe( 'ffi_enable' ) ) );
		if ( in_array( $enable, [ '0', '', 'off', 'false', 'no' ], true ) ) {
			return $this->fail( 'ffi_disabled', fn () => __( 'PHP FFI is disabled (ffi.enable=0), so the plugin cannot load its core library.', 'aipkit-usage' ) );
		}
		if ( 'preload' === $enable && 'cli' !== $this->probe( 'sapi' )
			&& ( '' === (string) $this->probe( 'opcache_preload' ) || '' === (string) $this->probe( 'ffi_preload' ) ) ) {
			return $this->fail( 'ffi_preload_only', fn () => __( 'PHP FFI is restricted to preloaded code (ffi.enable=preload, the PHP default) and the core library is not preloaded, so web requests cannot use it. Set ffi.enable=1, or preload the core with lib/aipkit_core.preload.h (written by bin/build-core with the absolute library path in FFI_LIB) and preload.php.', 'aipkit-usage' ) );
		}
		$lib = (string) $this->probe( 'library_path' );
		if ( ! $this->probe( 'library_readable' ) ) {
			/* translators: %s: file path */
			return $this->fail( 'library_missing', fn () => sprintf( __( 'The core library %s is missing or unreadable. Build it with "npm run build" (bin/build-core) or reinstall the plugin package.', 'aipkit-usage' ), $lib ) );
		}
		$damaged = $this->probe( 'library_check' );
		if ( null !== $damaged && '' === (string) $this->probe( 'ffi_preload' ) ) {
			return $this->fail( 'library_damaged', (string) $damaged );
		}
		try {
			$reason = ( $this->probe( 'core_availability' ) )();
		} catch ( \Throwable $e ) {
			$reason = $e->getMessage();
		}
		if ( null !== $reason ) {
			/* translators: %s: reason given by the loader */
			return $this->fail( 'library_unusable', fn () => sprintf( __( 'The core library cannot be used: %s', 'aipkit-usage' ), $reason ) );
		}
		try {
			$core = ( $this->probe( 'core_version' ) )();
		} catch ( \Throwable $e ) {
			/* translators: %s: error message */
			return $this->fail( 'library_unusable', fn () => sprintf( __( 'The core library failed its version call: %s', 'aipkit-usage' ), $e->getMessage() ) );
		}
		$plugin = (string) $this->probe( 'plugin_version' );
		if ( $core !== $plugin ) {
			/* translators: 1: library version, 2: plugin version */
			return $this->fail( 'version_mismatch', fn () => sprintf( __( 'The core library is version %1$s but the plugin is version %2$s; rebuild the library (npm run build) or reinstall the plugin package so both match.', 'aipkit-usage' ), $core, $plugin ) );
		}
		return null;
	}

	/** @return array{code:string,reason:string|\Closure} */
	private function fail( string $code, string|\Closure $reason ): array {
		return [
			'code'   => $code,
			'reason' => $reason,
		];
	}

	/**
	 * The php.ini settings that make FFI usable, in both supported variants.
	 *
	 * @return array{simple:string[],preload:string[]}
	 */
	public static function fix_lines(): array {
		return [
			'simple'  => [ 'ffi.enable=1' ],
			'preload' => [
				'ffi.enable=preload',
				'ffi.preload=' . self::preload_header_path(),
				'opcache.enable=1',
				'opcache.preload=' . self::preload_path(),
				'opcache.preload_user=www-data',
			],
		];
	}

	/**
	 * For Site Health: why FFI is not used and the php.ini lines that enable it (escaped HTML), or ''
	 * when FFI is in use.
	 */
	public function enable_ffi_html(): string {
		$problem = $this->ffi_problem();
		if ( null === $problem ) {
			return '';
		}
		$lines = self::fix_lines();
		$html  = esc_html( $problem['reason'] );
		if ( in_array( $problem['code'], [ 'ffi_disabled', 'ffi_preload_only' ], true ) ) {
			$html .= '<br>' . esc_html__( 'FFI is optional: it makes every core call faster. To enable it, set in php.ini (then restart PHP), either:', 'aipkit-usage' )
				. '<br><code>' . esc_html( implode( "\n", $lines['simple'] ) ) . '</code><br>'
				. esc_html__( 'or, to allow FFI only for the preloaded core:', 'aipkit-usage' )
				. '<br><code style="white-space:pre">' . esc_html( implode( "\n", $lines['preload'] ) ) . '</code>';
		}
		return $html;
	}

	/** Plain-text message: what is wrong and how to fix it. Empty when everything is fine. */
	public function message(): string {
		$problem = $this->problem();
		if ( null === $problem ) {
			return '';
		}
		$text = __( 'AI Puffer Usage cannot run:', 'aipkit-usage' ) . ' ' . $problem['reason'];
		if ( in_array( $problem['code'], [ 'ffi_disabled', 'ffi_preload_only' ], true ) ) {
			$lines = self::fix_lines();
			$text .= "\n" . __( 'Fix it in php.ini (then restart PHP), either:', 'aipkit-usage' ) . "\n  " . implode( "\n  ", $lines['simple'] )
				. "\n" . __( 'or, to allow FFI only for the preloaded core:', 'aipkit-usage' ) . "\n  " . implode( "\n  ", $lines['preload'] );
		}
		return $text;
	}

	/** The same message as HTML, escaped, with the php.ini lines as code blocks. */
	public function message_html(): string {
		$problem = $this->problem();
		if ( null === $problem ) {
			return '';
		}
		$html = '<strong>' . esc_html__( 'AI Puffer Usage cannot run:', 'aipkit-usage' ) . '</strong> ' . esc_html( $problem['reason'] );
		if ( in_array( $problem['code'], [ 'ffi_disabled', 'ffi_preload_only' ], true ) ) {
			$lines = self::fix_lines();
			$html .= '<br>' . esc_html__( 'Fix it in php.ini (then restart PHP), either:', 'aipkit-usage' )
				. '<br><code>' . esc_html( implode( "\n", $lines['simple'] ) ) . '</code><br>'
				. esc_html__( 'or, to allow FFI only for the preloaded core:', 'aipkit-usage' )
				. '<br><code style="white-space:pre">' . esc_html( implode( "\n", $lines['preload'] ) ) . '</code>';
		}
		return $html;
	}
}
