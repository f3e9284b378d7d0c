<?php
namespace AipkitUsageDemo;

defined( 'ABSPATH' ) || exit;

/** The demo's bots and forms, registered with the usage plugin through its filters. */
final class Bots {
	public const PROVIDER = 'demo';

	/** bot_id → module, usage type, model, name */
	public const ALL = [
		'demo-support' => [
			'module'     => 'chatbot',
			'usage_type' => 'chat',
			'model'      => 'demo-chat',
			'name'       => 'Demo Support Bot',
		],
		'demo-sales'   => [
			'module'     => 'chatbot',
			'usage_type' => 'chat',
			'model'      => 'demo-chat-large',
			'name'       => 'Demo Sales Bot',
		],
		'demo-form'    => [
			'module'     => 'ai_forms',
			'usage_type' => 'form_submit',
			'model'      => 'demo-chat',
			'name'       => 'Demo Product Description Form',
		],
		'demo-images'  => [
			'module'     => 'image_generator',
			'usage_type' => 'image_generate',
			'model'      => 'demo-image',
			'name'       => 'Demo Image Generator',
		],
	];

	public static function register( $bots ) {
		foreach ( self::ALL as $id => $b ) {
			$bots[] = [
				'module'      => $b['module'],
				'bot_id'      => $id,
				'name'        => $b['name'],
				'usage_types' => [ $b['usage_type'] ],
			];
		}
		return $bots;
	}

	public static function models( $models ) {
		foreach ( [ 'demo-chat', 'demo-chat-large', 'demo-image' ] as $m ) {
			$models[] = [
				'provider' => self::PROVIDER,
				'model'    => $m,
			];
		}
		return $models;
	}
}
