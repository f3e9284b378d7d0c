<?php
namespace AipkitUsage\Health;

use AipkitUsage\Admin\Menu;
use AipkitUsage\Core\Gateway;
use AipkitUsage\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Site Health (Tools > Site Health): the documented sample charge priced by the server's core
 * (800 input + 300 output tokens at 1 and 2 credits per 1K = 1.400000). A developer check, so it
 * lives here rather than on an owner's screen; its action links to the diagnostics view that
 * prices the same sample with the WebAssembly core in the browser, side by side.
 */
final class SampleChargeCheck {
	public const EXPECTED = '1.400000';

	public const RULE = [
		'id'          => 0,
		'usage_type'  => 'chat',
		'provider'    => 'openai',
		'model'       => 'gpt-4o-mini',
		'method'      => 'per_1k_tokens',
		'input_rate'  => '1',
		'output_rate' => '2',
		'unit_rate'   => null,
	];

	public const USAGE = [
		'usage_type'    => 'chat',
		'provider'      => 'openai',
		'model'         => 'gpt-4o-mini',
		'input_tokens'  => 800,
		'output_tokens' => 300,
		'images'        => 0,
		'videos'        => 0,
	];

	public function register(): void {
		add_filter( 'site_status_tests', [ $this, 'add_tests' ] );
	}

	/** @param array<string,mixed> $tests */
	public function add_tests( array $tests ): array {
		$tests['direct']['aipkit_usage_sample_charge'] = [
			'label' => __( 'AI Puffer Usage prices the sample charge exactly', 'aipkit-usage' ),
			'test'  => [ $this, 'test' ],
		];
		return $tests;
	}

	/** @return array<string,mixed> */
	public function test(): array {
		$base    = [
			'test'    => 'aipkit_usage_sample_charge',
			'badge'   => [
				'label' => __( 'AI Puffer Usage', 'aipkit-usage' ),
				'color' => 'blue',
			],
			'actions' => sprintf(
				'<p><a href="%s">%s</a></p>',
				esc_url( add_query_arg( 'tab', 'diagnostics', Menu::page_url() ) ),
				esc_html__( 'Compare with the WebAssembly core in your browser', 'aipkit-usage' )
			),
		];
		$credits = null;
		if ( Plugin::instance()->prerequisites()->is_met() ) {
			$q       = Gateway::instance()->quote(
				[
					'rules' => [ self::RULE ],
					'usage' => self::USAGE,
				]
			);
			$credits = is_wp_error( $q ) ? null : (string) $q['credits'];
		}
		if ( self::EXPECTED === $credits ) {
			return $base + [
				'label'       => __( 'AI Puffer Usage prices the sample charge exactly', 'aipkit-usage' ),
				'status'      => 'good',
				'description' => '<p>' . esc_html(
					sprintf(
						/* translators: %s: credits */
						__( 'A chat request with 800 input and 300 output tokens under a Per 1K Tokens rule of 1 credit (input) and 2 credits (output) costs %s credits on the server (PHP FFI), as documented.', 'aipkit-usage' ),
						$credits
					)
				) . '</p>',
			];
		}
		return $base + [
			'label'       => __( 'AI Puffer Usage does not price the sample charge as documented', 'aipkit-usage' ),
			'status'      => 'critical',
			'description' => '<p>' . esc_html(
				sprintf(
					/* translators: 1: expected credits, 2: credits computed (or "no answer") */
					__( 'Expected %1$s credits, the server core answered %2$s.', 'aipkit-usage' ),
					self::EXPECTED,
					$credits ?? __( 'no answer', 'aipkit-usage' )
				)
			) . '</p>',
		];
	}
}
