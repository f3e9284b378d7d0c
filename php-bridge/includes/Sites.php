<?php
namespace AipkitUsage;

defined( 'ABSPATH' ) || exit;

/**
 * Each site of a multisite network keeps its own tables and options, so network-wide steps
 * (activation, uninstall) switch to each site in turn and always switch back.
 */
final class Sites {
	/**
	 * @param callable $step called with no argument while switched to the site
	 * @return array<int,mixed> site id => what the step returned
	 */
	public static function each( callable $step ): array {
		$out = [];
		foreach ( get_sites(
			[
				'fields' => 'ids',
				'number' => 0,
			]
		) as $site_id ) {
			switch_to_blog( (int) $site_id );
			try {
				$out[ (int) $site_id ] = $step();
			} finally {
				restore_current_blog();
			}
		}
		return $out;
	}
}
