<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\LogWriter;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

final class LogWriterTest extends TestCase
{
    use LogFixtures;

    public function testExchangesOfOneConversationShareAnExactSummary(): void
    {
        global $wpdb;
        $t0 = time() - 3600;
        $a = $this->writeLog(['conversation_id' => 'conv-1', 'credits' => '0.3', 'input_tokens' => 100, 'output_tokens' => 7,
            'user_message' => 'first question', 'created_at' => $t0]);
        $b = $this->writeLog(['conversation_id' => 'conv-1', 'credits' => '0.000001', 'input_tokens' => 5, 'output_tokens' => 3,
            'user_message' => "second\n  question", 'created_at' => $t0 + 60]);
        $this->assertGreaterThan($a, $b);

        $rows = $wpdb->get_results('SELECT conversation_id FROM ' . Tables::logs() . " WHERE id IN ($a, $b)", ARRAY_A);
        $this->assertSame($rows[0]['conversation_id'], $rows[1]['conversation_id']);
        $conv = $wpdb->get_row($wpdb->prepare('SELECT * FROM ' . Tables::conversations() . ' WHERE id = %d', $rows[0]['conversation_id']), ARRAY_A);
        $this->assertSame('2', $conv['exchanges']);
        $this->assertSame('105', $conv['input_tokens']);
        $this->assertSame('10', $conv['output_tokens']);
        $this->assertSame('0.300001', $conv['credits']);
        $this->assertSame('second question', $conv['last_preview']);
        $this->assertSame(gmdate('Y-m-d H:i:s', $t0), $conv['first_at']);
        $this->assertSame(gmdate('Y-m-d H:i:s', $t0 + 60), $conv['last_at']);
        $this->assertSummariesConsistent();
    }

    public function testAnOlderExchangeArrivingLateDoesNotMoveLastAtOrPreviewBack(): void
    {
        global $wpdb;
        $t0 = time() - 3600;
        $this->writeLog(['conversation_id' => 'late', 'user_message' => 'newest', 'created_at' => $t0]);
        $this->writeLog(['conversation_id' => 'late', 'user_message' => 'older', 'created_at' => $t0 - 600]);
        $conv = $wpdb->get_row('SELECT * FROM ' . Tables::conversations() . " WHERE conversation_key = 'gg1a2b3:chatbot:support:late'", ARRAY_A);
        $this->assertSame('newest', $conv['last_preview']);
        $this->assertSame(gmdate('Y-m-d H:i:s', $t0), $conv['last_at']);
        $this->assertSame(gmdate('Y-m-d H:i:s', $t0 - 600), $conv['first_at']);
    }

    public function testConversationsAreKeyedByModuleBotAndModuleKey(): void
    {
        $this->writeLog(['conversation_id' => 'same', 'bot_id' => 'a']);
        $this->writeLog(['conversation_id' => 'same', 'bot_id' => 'b']);
        $this->writeLog(['conversation_id' => 'same', 'bot_id' => 'a', 'module' => 'ai_forms']);
        $this->writeLog(['conversation_id' => '']);
        $this->writeLog(['conversation_id' => '']);
        $this->assertSame(5, $this->countConversations());
        $this->writeLog(['conversation_id' => str_repeat('k', 300)]);
        $this->writeLog(['conversation_id' => str_repeat('k', 300)]);
        $this->assertSame(6, $this->countConversations());
        $this->assertSame(7, $this->countLogs());
    }

    public function testVectorScoresKeepTheBestAsPercent(): void
    {
        global $wpdb;
        $id = $this->writeLog(['vector_context' => [
            ['provider' => 'pinecone', 'source' => 'faq.md', 'score' => '0.71', 'preview' => 'a'],
            ['provider' => 'qdrant', 'source' => 'doc', 'score' => 88.5, 'scale' => 'percent', 'preview' => 'b'],
        ]]);
        $row = $wpdb->get_row('SELECT top_score, vector_context FROM ' . Tables::logs() . " WHERE id = $id", ARRAY_A);
        $this->assertSame('88.50', $row['top_score']);
        $items = json_decode($row['vector_context'], true);
        $this->assertSame(['pinecone', 'qdrant'], array_column($items, 'provider'));
        $this->assertSame('0.71', $items[0]['score']);

        $none = $this->writeLog();
        $this->assertNull($wpdb->get_var('SELECT top_score FROM ' . Tables::logs() . " WHERE id = $none"));
    }

    public function testBrokenUtf8FromAModelIsRepairedNotRejected(): void
    {
        global $wpdb;
        $id = $this->writeLog(['reply' => "ok \xC3\x28 done", 'user_message' => 'Grüße 你好']);
        $row = $wpdb->get_row('SELECT user_message, reply FROM ' . Tables::logs() . " WHERE id = $id", ARRAY_A);
        $this->assertSame('Grüße 你好', $row['user_message']);
        $this->assertSame(1, preg_match('//u', $row['reply']));
        $this->assertStringStartsWith('ok ', $row['reply']);
    }

    /** @dataProvider badExchanges */
    public function testBadInputIsRefusedWithTheFieldAndWritesNothing(array $bad, string $field): void
    {
        $before = [$this->countLogs(), $this->countConversations()];
        $r = LogWriter::record($this->exchange($bad));
        $this->assertWPError($r);
        $this->assertSame('aipkit_invalid_log', $r->get_error_code());
        $this->assertSame($field, $r->get_error_data()['field']);
        $this->assertSame($before, [$this->countLogs(), $this->countConversations()]);
    }

    public function badExchanges(): array
    {
        return [
            'module missing' => [['module' => ''], 'module'],
            'module with SQL' => [['module' => "chat'; DROP TABLE x"], 'module'],
            'credits as float text' => [['credits' => '1.1234567'], 'credits'],
            'credits negative' => [['credits' => '-1'], 'credits'],
            'credits exponent' => [['credits' => '1e3'], 'credits'],
            'tokens negative' => [['input_tokens' => -1], 'input_tokens'],
            'tokens float' => [['output_tokens' => 1.5], 'output_tokens'],
            'user id text' => [['user_id' => 'admin'], 'user_id'],
            'guest key too long' => [['guest_key' => str_repeat('a', 17)], 'guest_key'],
            'score above 1' => [['vector_context' => [['score' => '1.2']]], 'vector_context'],
            'score missing' => [['vector_context' => [['provider' => 'x']]], 'vector_context'],
            'metadata not array' => [['metadata' => 'x'], 'metadata'],
            'status upper' => [['status' => 'OK!'], 'status'],
            'ledger zero' => [['ledger_id' => 0], 'ledger_id'],
        ];
    }

    private function assertWPError($r): void
    {
        $this->assertInstanceOf(\WP_Error::class, $r);
    }
}
