<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Logs\LogWriter;
use AipkitUsage\Tests\TestCase;

/** The model catalog merges built-in models, models seen in the logs and the ledger, and registered ones. */
final class ModelCatalogTest extends TestCase
{
    use BillingFixtures;

    private function models(bool $refresh = false): array
    {
        $this->actAs($this->createUser('administrator'));
        $d = $this->restData($this->rest('GET', '/aipkit/v1/models', $refresh ? ['refresh' => 'true'] : []));
        $out = [];
        foreach ($d['providers'] as $p) {
            foreach ($p['models'] as $m) {
                $out[$p['provider'] . '/' . $m['model']] = $m['source'];
            }
        }
        return $out;
    }

    public function testModelsSeenInLogsAndLedgerAreMergedAndCached(): void
    {
        $before = $this->models(true);
        $this->assertArrayNotHasKey('mistral/mistral-small-logged', $before);
        $this->assertSame('built_in', $before['openai/gpt-4o']);

        // A log exchange of a provider/model no rule or built-in list knows (e.g. logged before billing existed).
        $id = LogWriter::record(['module' => 'chatbot', 'bot_id' => 'b1', 'user_id' => 0, 'guest_key' => '', 'conversation_id' => 'c-models',
            'provider' => 'Mistral', 'model' => 'mistral-small-logged', 'usage_type' => 'chat', 'input_tokens' => 3, 'output_tokens' => 4,
            'credits' => '0', 'user_message' => 'hi', 'reply' => 'hello', 'status' => 'ok']);
        $this->assertIsInt($id, is_wp_error($id) ? $id->get_error_message() : '');
        // And a charged request on another model: seen in the ledger.
        $this->rule(['usage_type' => 'chat', 'provider' => 'deepseek', 'model' => '*', 'method' => 'flat', 'unit_rate' => '1']);
        $u = $this->createUser();
        $this->fund($u, '5');
        $h = aipkit_usage_authorize($this->request($u, ['provider' => 'deepseek', 'model' => 'deepseek-ledger-only']));
        $this->assertIsArray(aipkit_usage_settle($h, ['input_tokens' => 1, 'output_tokens' => 1]));

        $this->assertArrayNotHasKey('mistral/mistral-small-logged', $this->models(), 'cached for a few minutes');
        $fresh = $this->models(true);
        $this->assertSame('seen', $fresh['mistral/mistral-small-logged']);
        $this->assertSame('seen', $fresh['deepseek/deepseek-ledger-only']);
        $this->assertSame('built_in', $fresh['openai/gpt-4o'], 'a built-in model stays built_in even when seen');
    }
}
