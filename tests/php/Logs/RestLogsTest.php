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

        // A registered bot with no logs is a valid (empty) filter; an unknown one is an error.
        $this->assertSame([], $this->restData($this->rest('GET', '/aipkit/v1/logs', ['bot' => 'sales']))['items']);
        $r = $this->rest('GET', '/aipkit/v1/logs', ['bot' => 'nobody']);
        $this->assertSame(400, $r->get_status());
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
