<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\LogWriter;
use AipkitUsage\Logs\Tables;

/** Helpers shared by the Logs tests: realistic exchanges written through the real LogWriter. */
trait LogFixtures
{
    protected function exchange(array $overrides = []): array
    {
        return array_merge([
            'module' => 'chatbot',
            'bot_id' => 'support',
            'user_id' => 0,
            'guest_key' => 'g1a2b3',
            'conversation_id' => 'c-' . wp_generate_password(8, false),
            'provider' => 'openai',
            'model' => 'gpt-4o-mini',
            'usage_type' => 'chat',
            'input_tokens' => 120,
            'output_tokens' => 80,
            'credits' => '0.250000',
            'ledger_id' => null,
            'user_message' => 'How do I reset my password?',
            'reply' => 'Open your profile and choose Reset password.',
            'metadata' => ['duration_ms' => 830, 'request_id' => 'req-1'],
            'vector_context' => [],
            'status' => 'ok',
        ], $overrides);
    }

    protected function writeLog(array $overrides = []): int
    {
        $id = LogWriter::record($this->exchange($overrides));
        $this->assertIsInt($id, is_wp_error($id) ? $id->get_error_message() : '');
        return $id;
    }

    protected function countLogs(): int
    {
        global $wpdb;
        return (int) $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::logs());
    }

    protected function countConversations(): int
    {
        global $wpdb;
        return (int) $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::conversations());
    }

    /** Every summary equals the aggregate of its rows, and no summary is left without rows. */
    protected function assertSummariesConsistent(): void
    {
        global $wpdb;
        $c = Tables::conversations();
        $l = Tables::logs();
        $bad = $wpdb->get_results(
            "SELECT c.id, c.exchanges, a.n, c.input_tokens, a.tin, c.credits, a.cr, c.first_at, a.f, c.last_at, a.la
             FROM {$c} c LEFT JOIN (SELECT conversation_id, COUNT(*) n, SUM(input_tokens) tin, SUM(credits) cr,
                MIN(created_at) f, MAX(created_at) la FROM {$l} GROUP BY conversation_id) a ON a.conversation_id = c.id
             WHERE a.n IS NULL OR a.n <> c.exchanges OR a.tin <> c.input_tokens OR a.cr <> c.credits
                OR a.f <> c.first_at OR a.la <> c.last_at",
            ARRAY_A
        );
        $this->assertSame([], $bad, 'conversation summaries out of step with their rows');
        $orphans = (int) $wpdb->get_var("SELECT COUNT(*) FROM {$l} l LEFT JOIN {$c} c ON c.id = l.conversation_id WHERE c.id IS NULL");
        $this->assertSame(0, $orphans, 'log rows without a conversation');
    }

    protected function admin(): int
    {
        return $this->actAs($this->createUser('administrator'));
    }
}
