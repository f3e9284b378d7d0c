<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/**
 * The simulated image generator's output: an SVG made only from the prompt and the image's index,
 * as a data URL, so the same prompt always gives the same picture and nothing is fetched.
 */
final class PlaceholderImage {
	public const PREFIX = 'data:image/svg+xml;base64,';

	public static function data_url( string $prompt, int $index ): string {
		$h     = md5( $index . '|' . $prompt );
		$bg    = '#' . substr( $h, 0, 6 );
		$fg    = '#' . substr( $h, 6, 6 );
		$r     = 40 + hexdec( substr( $h, 12, 2 ) ) % 60;
		$cx    = 60 + hexdec( substr( $h, 14, 2 ) ) % 136;
		$label = htmlspecialchars( mb_substr( $prompt, 0, 40 ), ENT_XML1 | ENT_QUOTES, 'UTF-8' );
		$svg   = sprintf(
			'<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256"><rect width="256" height="256" fill="%1$s"/><circle cx="%3$d" cy="110" r="%4$d" fill="%2$s"/><text x="128" y="236" font-family="sans-serif" font-size="12" text-anchor="middle" fill="#fff">%5$s</text></svg>',
			$bg,
			$fg,
			$cx,
			$r,
			$label
		);
		return self::PREFIX . base64_encode( $svg ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions -- a data URL, not obfuscation
	}
}
