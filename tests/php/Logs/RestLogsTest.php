<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\Privacy;
use AipkitUsage\Tests\TestCase;

final class RestLogsTest extends TestCase
{
    use LogFixtures;

    public function testListNeedsViewUsage(): void
    {
        $this->writeLog();
        $this->actAs($this->createUser('subscriber'));
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/logs')->get_status());
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/logs/filters')->get_status());
        $this->actAs(0);
        $this->assertSame(401, $this->rest('GET', '/aipkit/v1/logs')->get_status());
    }

    public function testListFiltersAndConversationOverRest(): void
    {
        add_filter('aipkit_usage_bots', fn($b) => $b + ['support' => 'Support Bot', 'sales' => 'Sales Bot']);
        $this->writeLog(['conversation_id' => 'x', 'bot_id' => 'legacy-bot']);
        $this->writeLog(['conversation_id' => 'v', 'user_message' => '<img src=x onerror=alert(1)>', 'reply' => 'answer',
            'vector_context' => [
                ['provider' => 'pinecone', 'source' => 'kb/faq.md', 'score' => '0.91', 'preview' => 'How to <b>reset</b>'],
                ['provider' => 'qdrant', 'source' => 'kb/old.md', 'score' => '0.42', 'preview' => 'unrelated'],
            ]]);
        $this->admin();

        $choices = $this->restData($this->rest('GET', '/aipkit/v1/logs/filters'));
        $bots = array_column($choices['bots'], 'name', 'id');
        $this->assertSame('Support Bot', $bots['support']);
        $this->assertSame('Sales Bot', $bots['sales']);
        $this->assertSame('legacy-bot', $bots['legacy-bot'], 'bots seen in logs are offered too');
        $this->assertContains('chatbot', array_column($choices['modules'], 'id'));

        $list = $this->restData($this->rest('GET', '/aipkit/v1/logs', ['per_page' => 10, 'bot' => 'support']));
        $this->assertCount(1, $list['items']);
        $item = $list['items'][0];
        $this->assertSame('Support Bot', $item['bot_name']);
        $this->assertSame('<img src=x onerror=alert(1)>', $item['last_preview'], 'stored and returned as data; the screen renders it as text');

        // A bot with no logs (registered, or whose logs were all deleted) is a valid, empty filter
        // (issue 12.7: not "Unknown chatbot."); a malformed id is an error.
        $this->assertSame([], $this->restData($this->rest('GET', '/aipkit/v1/logs', ['bot' => 'sales']))['items']);
        $r = $this->rest('GET', '/aipkit/v1/logs', ['bot' => 'nobody']);
        $this->assertSame(200, $r->get_status());
        $this->assertSame([], $this->restData($r)['items']);
        $this->assertSame(400, $this->rest('GET', '/aipkit/v1/logs', ['bot' => str_repeat('x', 65)])->get_status());
        $this->assertSame(400, $this->rest('GET', '/aipkit/v1/logs', ['per_page' => 7])->get_status());

        $conv = $this->restData($this->rest('GET', '/aipkit/v1/logs/conversations/' . $item['id']));
        $ex = $conv['exchanges'][0];
        $this->assertSame('<img src=x onerror=alert(1)>', $ex['user_message']);
        $this->assertSame(['percent' => '91', 'band' => 'strong', 'label' => 'Strong match.'], $ex['score']);
        $this->assertSame(['strong', 'poor'], array_column($ex['vector_context'], 'band'));
        $this->assertSame('kb/faq.md', $ex['vector_context'][0]['source']);
        $this->assertSame(830, $ex['metadata']['duration_ms']);

        $this->assertSame(404, $this->rest('GET', '/aipkit/v1/logs/conversations/999999999')->get_status());
    }

    /** Issue 12.8/12.9: names from the documented `aipkit_usage_bots` shape, grouped by module; the header's facts. */
    public function testBotsComeWithNamesAndModulesAndTheConversationWithItsHeaderFacts(): void
    {
        add_filter('aipkit_usage_bots', fn($b) => array_merge($b, [
            ['module' => 'ai_forms', 'bot_id' => 'quote-form', 'name' => 'Quote form', 'usage_types' => ['chat']],
            ['module' => 'image_generator', 'bot_id' => 'poster', 'name' => 'Poster maker', 'usage_types' => ['image']],
        ]));
        $alice = $this->createUser('subscriber', ['display_name' => 'Alice A']);
        $t = time() - 600;
        $this->writeLog(['module' => 'ai_forms', 'bot_id' => 'quote-form', 'user_id' => $alice, 'guest_key' => '',
            'conversation_id' => 'form-77', 'created_at' => $t]);
        $this->writeLog(['module' => 'ai_forms', 'bot_id' => 'quote-form', 'user_id' => $alice, 'guest_key' => '',
            'conversation_id' => 'form-77', 'created_at' => $t + 90]);
        $this->writeLog(['module' => 'chatbot', 'bot_id' => 'seen-only', 'conversation_id' => '']);
        $this->admin();

        $bots = [];
        foreach ($this->restData($this->rest('GET', '/aipkit/v1/logs/filters'))['bots'] as $b) {
            $bots[$b['id']] = $b;
        }
        $this->assertSame('Quote form', $bots['quote-form']['name']);
        $this->assertSame('ai_forms', $bots['quote-form']['module']);
        $this->assertSame('AI Forms', $bots['quote-form']['module_name']);
        $this->assertSame('image_generator', $bots['poster']['module']);
        $this->assertSame('chatbot', $bots['seen-only']['module'], 'a bot seen only in logs gets its module from them');
        $this->assertFalse($bots['seen-only']['registered']);

        $items = $this->restData($this->rest('GET', '/aipkit/v1/logs', ['bot' => 'quote-form']))['items'];
        $this->assertCount(1, $items);
        $this->assertSame('Quote form', $items[0]['bot_name']);
        $conv = $this->restData($this->rest('GET', '/aipkit/v1/logs/conversations/' . $items[0]['id']))['conversation'];
        $this->assertSame('Alice A', $conv['user_name']);
        $this->assertSame('AI Forms', $conv['module_name']);
        $this->assertSame('Quote form', $conv['bot_name']);
        $this->assertSame('form-77', $conv['reference']);
        $this->assertSame(gmdate('Y-m-d\TH:i:s\Z', $t), $conv['first_at']);
        $this->assertSame(gmdate('Y-m-d\TH:i:s\Z', $t + 90), $conv['last_at']);
        $other = $this->restData($this->rest('GET', '/aipkit/v1/logs', ['bot' => 'seen-only']))['items'][0];
        $this->assertNull($other['reference'], 'an exchange without a conversation id has no reference to show');
    }

    public function testPrivacyExporterAndEraserCoverOnlyThatUser(): void
    {
        $uid = $this->createUser('subscriber', ['user_email' => 'pat@example.com']);
        $other = $this->createUser('subscriber', ['user_email' => 'sam@example.com']);
        $this->writeLog(['user_id' => $uid, 'guest_key' => '', 'conversation_id' => 'p', 'user_message' => 'pat one']);
        $this->writeLog(['user_id' => $uid, 'guest_key' => '', 'conversation_id' => 'p', 'user_message' => 'pat two']);
        $this->writeLog(['user_id' => $other, 'guest_key' => '', 'conversation_id' => 's', 'user_message' => 'sam']);

        $this->assertArrayHasKey('aipkit-usage-logs', apply_filters('wp_privacy_personal_data_exporters', []));
        $this->assertArrayHasKey('aipkit-usage-logs', apply_filters('wp_privacy_personal_data_erasers', []));

        $out = Privacy::export('pat@example.com', 1);
        $this->assertTrue($out['done']);
        $this->assertCount(2, $out['data']);
        $values = array_column($out['data'][0]['data'], 'value', 'name');
        $this->assertSame('pat one', $values['Message']);

        $er = Privacy::erase('pat@example.com', 1);
        $this->assertTrue($er['items_removed']);
        $this->assertTrue($er['done']);
        $this->assertSame(1, $this->countLogs());
        $this->assertSame(1, $this->countConversations());
        $this->assertSame([], Privacy::export('pat@example.com', 1)['data']);
        $this->assertSummariesConsistent();
    }
}
