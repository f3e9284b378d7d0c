<?php
namespace AipkitUsage\Tests\Dashboard;

use AipkitUsage\Billing\Refusals;
use AipkitUsage\Tests\Billing\BillingFixtures;
use AipkitUsage\Tests\TestCase;

/** Refusals are recorded from the aipkit_usage_refused action and explained by "Why was this refused?". */
final class RefusalsTest extends TestCase
{
    use BillingFixtures;

    public function testARefusalIsRecordedAndExplained(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '4']);
        $this->quota(['module' => 'chatbot', 'bot_id' => 'sales', 'user_limit' => '5', 'period' => 'daily']);
        $bob = $this->createUser('subscriber');
        $this->fund($bob, '1');
        $fired = [];
        add_action('aipkit_usage_refused', function ($r) use (&$fired) {
            $fired[] = $r;
        });

        $ok = aipkit_usage_authorize($this->request($bob, ['bot_id' => 'sales']));
        $this->assertIsArray($ok, 'first request: 1 from balance + 3 from quota');
        aipkit_usage_settle($ok, ['input_tokens' => 1]);
        $refused = aipkit_usage_authorize($this->request($bob, ['bot_id' => 'sales']));
        $this->assertInstanceOf(\WP_Error::class, $refused);
        $this->assertSame('aipkit_quota_exceeded', $refused->get_error_code());

        $this->assertCount(1, $fired);
        $r = $fired[0];
        foreach (['user_id', 'guest_key', 'module', 'bot_id', 'usage_type', 'provider', 'model', 'estimate', 'balance_available', 'held', 'quota', 'rule_id', 'reason', 'message', 'at'] as $k) {
            $this->assertArrayHasKey($k, $r);
        }
        $this->assertSame([$bob, 'chatbot', 'sales', '4.000000', '0.000000', 'quota_exceeded'], [$r['user_id'], $r['module'], $r['bot_id'], $r['estimate'], $r['balance_available'], $r['reason']]);
        $this->assertSame('chatbot:sales', $r['quota'][0]['scope']);
        $this->assertSame('2.000000', $r['quota'][0]['remaining']);

        $rows = Refusals::recent($bob);
        $this->assertCount(1, $rows);
        $this->assertSame(['chatbot', 'sales', '4.000000', 'quota_exceeded'], [$rows[0]['module'], $rows[0]['bot_id'], $rows[0]['estimate'], $rows[0]['reason']]);
        $this->assertSame($r['rule_id'], $rows[0]['rule_id']);

        // The REST answer for an administrator: balance, quota per scope, rule, estimate, decision, reasons, last refusals.
        $this->actAs($this->createUser('administrator'));
        $res = $this->rest('GET', "/aipkit/v1/balances/$bob/why", ['module' => 'chatbot', 'bot_id' => 'sales']);
        $this->assertSame(200, $res->get_status(), wp_json_encode($res->get_data()));
        $d = $this->restData($res);
        $this->assertSame('0.000000', $d['balance']['available']);
        $this->assertSame(['chatbot:sales', '5.000000', '3.000000', '2.000000'], [$d['quota']['scope'], $d['quota']['limit'], $d['quota']['used'], $d['quota']['remaining']]);
        $this->assertSame('last_refusal', $d['estimate_from']);
        $this->assertSame('4.000000', $d['estimate']);
        $this->assertSame('flat', $d['rule']['method']);
        $this->assertFalse($d['decision']['admitted']);
        $this->assertSame('quota_exceeded', $d['decision']['reason']);
        $this->assertSame('2.000000', $d['decision']['shortfall']);
        $this->assertStringContainsString('is refused (quota_exceeded)', implode(' ', $d['reasons']));
        $this->assertCount(1, $d['refusals']);
        $this->assertSame(\AipkitUsage\Dashboard\Format::datetime($d['refusals'][0]['at']), $d['refusals'][0]['at_text']);
        $this->assertSame(\AipkitUsage\Dashboard\Format::datetime($d['quota']['next_reset']), $d['quota']['next_reset_text']);
        $this->assertSame([], $d['purchases']);

        // After buying credits the same request would be admitted, and the purchase is listed.
        \AipkitUsage\Billing\Balances::credit($bob, '10', 'purchase', 'purchase:555:1', ['order_id' => 555]);
        $d = $this->restData($this->rest('GET', "/aipkit/v1/balances/$bob/why", ['module' => 'chatbot', 'bot_id' => 'sales']));
        $this->assertTrue($d['decision']['admitted']);
        $this->assertSame([555, '10.000000'], [$d['purchases'][0]['order_id'], $d['purchases'][0]['credits']]);

        // Counts given: priced against the rule; an unknown model falls back.
        $d = $this->restData($this->rest('GET', "/aipkit/v1/balances/$bob/why", ['module' => 'chatbot', 'bot_id' => 'sales', 'provider' => 'openai', 'model' => 'other-model', 'input_tokens' => 1000]));
        $this->assertTrue($d['fallback']);
        $this->assertStringContainsString('No pricing rule matches openai / other-model', implode(' ', $d['reasons']));
    }

    public function testWhyRouteNeedsManageBalances(): void
    {
        $bob = $this->createUser('subscriber');
        $this->actAs($bob);
        $this->assertSame(403, $this->rest('GET', "/aipkit/v1/balances/$bob/why")->get_status());
        wp_set_current_user(0);
        $this->assertSame(401, $this->rest('GET', "/aipkit/v1/balances/$bob/why")->get_status());
        $this->actAs($this->createUser('administrator'));
        $this->assertSame(404, $this->rest('GET', '/aipkit/v1/balances/999999/why')->get_status());
        $d = $this->restData($this->rest('GET', "/aipkit/v1/balances/$bob/why"));
        $this->assertStringContainsString('No refusal is recorded for this user account', implode(' ', $d['reasons']));
    }

    public function testRecordIgnoresGarbageAndPrunes(): void
    {
        $this->assertNull(Refusals::record('nope'));
        $id = Refusals::record(['user_id' => 5, 'estimate' => 'NaN', 'quota' => 'x', 'at' => time() - 100 * DAY_IN_SECONDS]);
        $this->assertIsInt($id);
        $row = Refusals::recent(5)[0];
        $this->assertSame('0.000000', $row['estimate']);
        $this->assertSame([], $row['quota']);
        $this->assertGreaterThanOrEqual(1, Refusals::prune());
        $this->assertSame([], Refusals::recent(5));
    }
}
