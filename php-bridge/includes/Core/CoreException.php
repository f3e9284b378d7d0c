<?php
namespace AipkitUsage\Core;

defined( 'ABSPATH' ) || defined( 'AIPKIT_USAGE_CORE_STANDALONE' ) || exit;

/**
 * A typed error answered by the Rust core (docs/contract.md §2): a stable snake_case code, an
 * admin-readable message and, where it applies, the request field at fault.
 */
final class CoreException extends \RuntimeException {
	private string $error_code;
	private ?string $field;

	public function __construct( string $error_code, string $message, ?string $field = null, int $status = 1 ) {
		parent::__construct( $message, $status );
		$this->error_code = $error_code;
		$this->field      = ( null === $field || '' === $field ) ? null : $field;
	}

	/** The core's stable error code, e.g. "invalid_amount" (getCode() is the FFI status). */
	public function getErrorCode(): string {
		return $this->error_code;
	}

	public function getField(): ?string {
		return $this->field;
	}
}
