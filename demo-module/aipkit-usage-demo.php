<?php
/**
 * Plugin Name: AI Puffer Usage Demo
 * Description: Demo chatbots, an AI form and an image generator backed by a simulated provider, metered through the AI Puffer Usage API (authorize → settle, with logs).
 * Version:     0.1.0
 * Requires at least: 6.1
 * Requires PHP: 8.1
 * License:     GPL-2.0-or-later
 * Text Domain: aipkit-usage-demo
 *
 * @package AipkitUsageDemo
 */

defined( 'ABSPATH' ) || exit;

require_once __DIR__ . '/includes/Bots.php';
require_once __DIR__ . '/includes/SimulatedProvider.php';
require_once __DIR__ . '/includes/ChatEndpoint.php';
require_once __DIR__ . '/includes/PlaceholderImage.php';
require_once __DIR__ . '/includes/Assets.php';
require_once __DIR__ . '/includes/ChatShortcode.php';
require_once __DIR__ . '/includes/FormShortcode.php';
require_once __DIR__ . '/includes/ImageShortcode.php';
require_once __DIR__ . '/includes/StreamResponder.php';

add_filter( 'aipkit_usage_bots', [ 'AipkitUsageDemo\\Bots', 'register' ] );
add_filter( 'aipkit_usage_models', [ 'AipkitUsageDemo\\Bots', 'models' ] );
add_action( 'rest_api_init', [ 'AipkitUsageDemo\\ChatEndpoint', 'routes' ] );
add_action( 'init', [ 'AipkitUsageDemo\\ChatShortcode', 'register' ] );
add_action( 'init', [ 'AipkitUsageDemo\\FormShortcode', 'register' ] );
add_action( 'init', [ 'AipkitUsageDemo\\ImageShortcode', 'register' ] );
add_filter( 'rest_pre_serve_request', [ 'AipkitUsageDemo\\StreamResponder', 'serve' ], 10, 4 );
