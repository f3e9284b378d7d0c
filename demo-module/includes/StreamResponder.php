<?php
namespace AipkitUsageDemo;

use WP_HTTP_Response;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * The optional streamed reply: POST aipkit-demo/v1/chat with `stream: true` answers as
 * text/event-stream, one `chunk` event per piece of the reply, then a `done` event with the cost,
 * as a streaming provider would. The request is metered exactly like the JSON answer (authorize →
 * settle happen before the first byte); errors (429, 400) stay JSON so the quota notice still shows.
 */
final class StreamResponder {
	/** Hooked on rest_pre_serve_request. @return bool true when it wrote the response itself */
	public static function serve( $served, $result, WP_REST_Request $request, WP_REST_Server $server ) {
		if ( $served || '/aipkit-demo/v1/chat' !== $request->get_route() || ! $request['stream'] ) {
			return $served;
		}
		if ( ! $result instanceof WP_HTTP_Response || $result->is_error() || 200 !== $result->get_status() ) {
			return $served;
		}
		$server->send_header( 'Content-Type', 'text/event-stream; charset=' . get_option( 'blog_charset' ) );
		$server->send_header( 'Cache-Control', 'no-cache' );
		$server->send_header( 'X-Accel-Buffering', 'no' );
		echo self::events( (array) $result->get_data() ); // phpcs:ignore WordPress.Security.EscapeOutput -- JSON-encoded SSE payloads
		return true;
	}

	/** The event-stream body for a chat answer. */
	public static function events( array $data ): string {
		$out = '';
		foreach ( (array) ( $data['chunks'] ?? [] ) as $chunk ) {
			$out .= "event: chunk\ndata: " . wp_json_encode( [ 'text' => (string) $chunk ] ) . "\n\n";
		}
		unset( $data['chunks'], $data['reply'] );
		return $out . "event: done\ndata: " . wp_json_encode( $data ) . "\n\n";
	}
}
