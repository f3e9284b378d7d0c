<?php
namespace AipkitUsage\Billing;

/**
 * Who a guest is, for quotas: a server-issued signed cookie and a salted hash of the network address.
 * A guest is charged against both keys and admitted only if both have room, so clearing the cookie
 * does not reset the quota. The raw address is never stored: only an HMAC of it.
 */
final class GuestIdentity {
	public const COOKIE = 'aipkit_guest';

	/**
	 * @return array{subjects:string[],guest_key:string}
	 */
	public static function current(): array {
		$id = self::cookie_id();
		if ( null === $id ) {
			$id                      = bin2hex( random_bytes( 12 ) );
			$value                   = $id . '.' . self::sign( $id );
			$_COOKIE[ self::COOKIE ] = $value;
			if ( ! headers_sent() ) {
				setcookie(
					self::COOKIE,
					$value,
					[
						'expires'  => time() + YEAR_IN_SECONDS,
						'path'     => COOKIEPATH ? COOKIEPATH : '/',
						'secure'   => is_ssl(),
						'httponly' => true,
						'samesite' => 'Lax',
					]
				);
			}
		}
		$cookie_key = substr( hash_hmac( 'sha256', 'cookie|' . $id, wp_salt( 'auth' ) ), 0, 24 );
		$ip         = (string) ( $_SERVER['REMOTE_ADDR'] ?? '' );
		$ip_key     = substr( hash_hmac( 'sha256', 'ip|' . $ip, wp_salt( 'nonce' ) ), 0, 24 );
		return [
			'subjects'  => [ 'guest:c' . $cookie_key, 'guest:i' . $ip_key ],
			'guest_key' => substr( $cookie_key, 0, 16 ),
		];
	}

	/** The id from a cookie whose signature verifies, or null (absent or forged). */
	private static function cookie_id(): ?string {
		$raw = $_COOKIE[ self::COOKIE ] ?? '';
		if ( ! is_string( $raw ) || ! preg_match( '/^([a-f0-9]{24})\.([a-f0-9]{64})$/', $raw, $m ) ) {
			return null;
		}
		return hash_equals( self::sign( $m[1] ), $m[2] ) ? $m[1] : null;
	}

	private static function sign( string $id ): string {
		return hash_hmac( 'sha256', $id, wp_salt( 'secure_auth' ) );
	}
}
