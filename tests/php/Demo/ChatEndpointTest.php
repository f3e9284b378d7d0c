<?php
namespace AipkitUsage\Tests\Demo;

use AipkitUsage\Billing\Tables;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Tests\Billing\BillingFixtures;
use AipkitUsage\Tests\TestCase;

/**
 * The demo module's (demo-module/, a separate plugin) POST aipkit-demo/v1/chat through the real REST server: authorize → settle →
 * ledger row + log exchange; 429 with the quota actions when over quota; 400/403 on bad input.
 */
final class ChatEndpointTest extends TestCase
{
    use BillingFixtures;

    protected function setUp(): void
    {
        parent::setUp();
        if (!class_exists('AipkitUsageDemo\\ChatEndpoint')) {
            require_once dirname(__DIR__, 3) . '/demo-module/aipkit-usage-demo.php';
        }
        add_filter('aipkit_usage_bots', ['AipkitUsageDemo\\Bots', 'register']);
        add_action('rest_api_init', ['AipkitUsageDemo\\ChatEndpoint', 'routes']);
        $GLOBALS['wp_rest_server'] = null; // next rest_get_server() fires rest_api_init with the demo route
    }

    protected function tearDown(): void
    {
        parent::tearDown();
        $GLOBALS['wp_rest_server'] = null;
    }

    private function chat(array $body, ?string $nonce = null): \WP_REST_Response
    {
        $req = new \WP_REST_Request('POST', '/aipkit-demo/v1/chat');
        $req->set_header('Content-Type', 'application/json');
        $req->set_header('X-Aipkit-Demo-Nonce', $nonce ?? wp_create_nonce('aipkit_demo_chat'));
        $req->set_body(wp_json_encode($body));
        return rest_ensure_response(rest_do_request($req));
    }

    public function testChatAuthorizesSettlesAndWritesTheLog(): void
    {
        global $wpdb;
        $this->rule(['usage_type' => 'chat', 'provider' => 'demo', 'model' => 'demo-chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $this->actAs($u);
        $r = $this->chat(['bot' => 'demo-support', 'message' => 'Where is the pricing guide?', 'conversation_id' => 'conv-demo-1']);
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $d = $r->get_data();
        $this->assertNotSame('', $d['reply']);
        $this->assertNotEmpty($d['vector_context'], 'docs/pricing messages get vector context');

        $usage = array_values(array_filter($this->ledgerRows($u), fn($x) => 'usage' === $x['kind']));
        $this->assertCount(1, $usage);
        $this->assertSame('-' . $d['credits'], $usage[0]['amount']);
        $this->assertSame(['chatbot', 'demo-support', 'demo', 'demo-chat'], [$usage[0]['module'], $usage[0]['bot_id'], $usage[0]['provider'], $usage[0]['model']]);
        $this->assertSame($d['balance_after'], aipkit_usage_balance($u)['balance']);
        $this->assertSame('0.000000', aipkit_usage_balance($u)['held'], 'the hold was settled');

        $log = $wpdb->get_row($wpdb->prepare('SELECT * FROM ' . Schema::table('logs') . ' WHERE ledger_id = %d', $usage[0]['id']), ARRAY_A);
        $this->assertNotNull($log, 'a log exchange points at the ledger row');
        $this->assertSame('Where is the pricing guide?', $log['user_message']);
        $this->assertSame($d['reply'], $log['reply']);
        $this->assertSame((int) $u, (int) $log['user_id']);
        $this->assertSame((string) $d['usage']['input_tokens'], (string) $log['input_tokens']);
        $this->assertReconciled();
    }

    public function testOverQuotaIs429WithTheActionsAndChargesNothing(): void
    {
        global $wpdb;
        $this->rule(['usage_type' => 'chat', 'provider' => 'demo', 'model' => 'demo-chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['module' => 'chatbot', 'user_limit' => '1', 'period' => 'daily', 'message' => 'Demo quota used up.']);
        $u = $this->createUser();
        $this->actAs($u);
        $this->assertSame(200, $this->chat(['bot' => 'demo-support', 'message' => 'hello'])->get_status());
        $ledger = count($this->ledgerRows($u));
        $logs = (int) $wpdb->get_var('SELECT COUNT(*) FROM ' . Schema::table('logs'));

        $r = $this->chat(['bot' => 'demo-support', 'message' => 'hello again']);
        $this->assertSame(429, $r->get_status());
        $d = $this->restData($r);
        $this->assertSame('aipkit_quota_exceeded', $d['code']);
        $this->assertSame('Demo quota used up.', $d['message']);
        $this->assertArrayHasKey('buy_credits', $d['data']['actions']);
        $this->assertArrayHasKey('view_usage', $d['data']['actions']);
        $this->assertNotSame('', $d['data']['actions']['buy_credits']['label']);
        $this->assertCount($ledger, $this->ledgerRows($u), 'no ledger row for a refusal');
        $this->assertSame($logs, (int) $wpdb->get_var('SELECT COUNT(*) FROM ' . Schema::table('logs')));
        $this->assertSame('0', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::holds() . " WHERE status = 'held'"));
    }

    public function testBadInputIs400AndBadNonce403AndNothingChanges(): void
    {
        global $wpdb;
        $u = $this->createUser();
        $this->fund($u, '10');
        $this->actAs($u);
        $before = count($this->ledgerRows($u));
        foreach ([
            'bot' => ['bot' => 'no-such-bot', 'message' => 'hi'],
            'message' => ['bot' => 'demo-support', 'message' => ''],
            'conversation_id' => ['bot' => 'demo-support', 'message' => 'hi', 'conversation_id' => 'bad id!'],
        ] as $field => $body) {
            $r = $this->chat($body);
            $this->assertSame(400, $r->get_status(), $field);
            $d = $this->restData($r);
            $this->assertSame('rest_invalid_param', $d['code'], $field);
            $this->assertArrayHasKey($field, $d['data']['params'], "names $field");
        }
        $r = $this->chat(['message' => 'hi']);
        $this->assertSame(400, $r->get_status());
        $this->assertSame('rest_missing_callback_param', $this->restData($r)['code']);

        $r = $this->chat(['bot' => 'demo-support', 'message' => 'hi'], 'not-a-nonce');
        $this->assertSame(403, $r->get_status());
        $this->assertSame('aipkit_demo_bad_nonce', $this->restData($r)['code']);

        $this->assertCount($before, $this->ledgerRows($u));
        $this->assertSame('0', $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::holds()));
    }

    public function testStreamedReplyIsAnEventStreamOfTheChunksThenTheCost(): void
    {
        if (!class_exists('AipkitUsageDemo\\StreamResponder')) {
            require_once dirname(__DIR__, 3) . '/demo-module/includes/StreamResponder.php';
        }
        $this->rule(['usage_type' => 'chat', 'provider' => 'demo', 'model' => 'demo-chat', 'method' => 'per_1k_tokens', 'input_rate' => '1', 'output_rate' => '2']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $this->actAs($u);
        $req = new \WP_REST_Request('POST', '/aipkit-demo/v1/chat');
        $req->set_header('Content-Type', 'application/json');
        $req->set_header('X-Aipkit-Demo-Nonce', wp_create_nonce('aipkit_demo_chat'));
        $req->set_body(wp_json_encode(['bot' => 'demo-support', 'message' => 'Tell me about the docs', 'stream' => true]));
        $result = rest_ensure_response(rest_do_request($req));
        $this->assertSame(200, $result->get_status(), wp_json_encode($result->get_data()));
        $server = new class extends \WP_REST_Server {
            public array $sent = [];
            public function send_header($key, $value)
            {
                $this->sent[$key] = $value;
            }
        };
        ob_start();
        $served = \AipkitUsageDemo\StreamResponder::serve(false, $result, $req, $server);
        $body = ob_get_clean();
        $this->assertTrue($served);
        $this->assertStringStartsWith('text/event-stream', $server->sent['Content-Type']);
        preg_match_all('/^event: (\w+)\ndata: (.*)$/m', $body, $m, PREG_SET_ORDER);
        $chunks = array_values(array_filter($m, fn($e) => 'chunk' === $e[1]));
        $this->assertGreaterThan(1, count($chunks));
        $this->assertSame($result->get_data()['reply'], implode('', array_map(fn($e) => json_decode($e[2], true)['text'], $chunks)));
        $done = end($m);
        $this->assertSame('done', $done[1]);
        $this->assertSame($result->get_data()['credits'], json_decode($done[2], true)['credits']);
        $this->assertNotEmpty(json_decode($done[2], true)['vector_context']);
        $this->assertCount(1, array_filter($this->ledgerRows($u), fn($x) => 'usage' === $x['kind']), 'metered once, like the JSON answer');

        // Without stream, or for an error, the normal JSON answer is served.
        $this->assertFalse(\AipkitUsageDemo\StreamResponder::serve(false, $result, new \WP_REST_Request('POST', '/aipkit-demo/v1/chat'), $server));
        $err = rest_ensure_response(new \WP_Error('aipkit_quota_exceeded', 'x', ['status' => 429]));
        $this->assertFalse(\AipkitUsageDemo\StreamResponder::serve(false, $err, $req, $server));
    }

    public function testTheImageGeneratorAuthorizesEveryImageItWillDeliver(): void
    {
        $this->rule(['usage_type' => 'image_generate', 'provider' => 'demo', 'model' => 'demo-image', 'method' => 'per_image', 'unit_rate' => '2']);
        \AipkitUsage\Settings::update(['no_quota_rule' => 'balance_only']);
        $u = $this->createUser();
        $this->fund($u, '6');
        $this->actAs($u);
        // Four images cost 8: the hold must cover all four, so 6 credits are not enough.
        $r = $this->chat(['bot' => 'demo-images', 'message' => 'a fish and a boat and a gull and a rock']);
        $this->assertSame(429, $r->get_status(), wp_json_encode($r->get_data()));
        $this->assertSame('6.000000', aipkit_usage_balance($u)['balance']);
        $r = $this->chat(['bot' => 'demo-images', 'message' => 'a fish and a boat and a gull']);
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $this->assertSame(3, $r->get_data()['usage']['images']);
        $usage = array_values(array_filter($this->ledgerRows($u), fn($x) => 'usage' === $x['kind']));
        $this->assertSame(['-6.000000', '0.000000'], [$usage[0]['amount'], $usage[0]['uncovered']], 'all delivered images paid, none uncovered');
    }

    public function testTheFormIsMeteredAsFormSubmitAndTheImagesPerImage(): void
    {
        $this->rule(['usage_type' => 'form_submit', 'provider' => 'demo', 'model' => '*', 'method' => 'per_1k_tokens', 'input_rate' => '0.5', 'output_rate' => '1']);
        $this->rule(['usage_type' => 'image_generate', 'provider' => 'demo', 'model' => 'demo-image', 'method' => 'per_image', 'unit_rate' => '2']);
        $u = $this->createUser();
        $this->fund($u, '10');
        $this->actAs($u);

        $r = $this->chat(['bot' => 'demo-form', 'message' => 'A blue ceramic mug']);
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $form = $r->get_data();
        $this->assertStringStartsWith('Product description #', $form['reply']);
        $this->assertSame([], $form['image_urls']);

        $r = $this->chat(['bot' => 'demo-images', 'message' => 'A puffer fish and a lighthouse']);
        $this->assertSame(200, $r->get_status(), wp_json_encode($r->get_data()));
        $img = $r->get_data();
        $this->assertSame(2, $img['usage']['images']);
        $this->assertSame('4.000000', $img['credits'], 'two images at 2 credits each');
        $this->assertCount(2, $img['image_urls']);
        $this->assertNotSame($img['image_urls'][0], $img['image_urls'][1]);
        foreach ($img['image_urls'] as $url) {
            $this->assertStringStartsWith('data:image/svg+xml;base64,', $url);
            $svg = base64_decode(substr($url, strlen('data:image/svg+xml;base64,')), true);
            $this->assertNotFalse(simplexml_load_string($svg), 'a well-formed SVG');
        }
        $again = $this->chat(['bot' => 'demo-images', 'message' => 'A puffer fish and a lighthouse'])->get_data();
        $this->assertSame($img['image_urls'], $again['image_urls'], 'the same prompt draws the same pictures');
        // Markup in a prompt stays text inside the SVG.
        $evil = $this->chat(['bot' => 'demo-images', 'message' => '<script>alert(1)</script>"&'])->get_data();
        $svg = base64_decode(substr($evil['image_urls'][0], strlen('data:image/svg+xml;base64,')), true);
        $this->assertStringNotContainsString('<script', $svg);
        $this->assertSame('<script>alert(1)</script>"&', (string) simplexml_load_string($svg)->text);

        $usage = array_values(array_filter($this->ledgerRows($u), fn($x) => 'usage' === $x['kind']));
        $this->assertCount(4, $usage);
        $this->assertSame(['ai_forms', 'demo-form', 'form_submit'], [$usage[0]['module'], $usage[0]['bot_id'], $usage[0]['usage_type']]);
        $this->assertSame('-' . $form['credits'], $usage[0]['amount']);
        $this->assertSame(['image_generator', 'demo-images', 'image_generate', '-4.000000'], [$usage[1]['module'], $usage[1]['bot_id'], $usage[1]['usage_type'], $usage[1]['amount']]);
        $this->assertReconciled();
    }
}
