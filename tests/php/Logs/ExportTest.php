<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\CsvExporter;
use AipkitUsage\Logs\ExportStream;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

/** The CSV export, parsed back with PHP's own fgetcsv (an independent RFC 4180 reader). */
final class ExportTest extends TestCase
{
    use LogFixtures;

    public function testExportParsesBackToTheStoredRowsWithFormulasNeutralised(): void
    {
        $uid = $this->createUser('subscriber', ['display_name' => 'Ann, "the" tester']);
        $hostile = [
            'user_message' => '=HYPERLINK("http://evil.example","click")',
            'reply' => "<script>alert(1)</script>\r\nline two, with comma and \"quotes\"",
            'user_id' => $uid, 'guest_key' => '',
            'credits' => '1.400000', 'input_tokens' => 800, 'output_tokens' => 300,
            'vector_context' => [['provider' => 'pinecone', 'source' => 's', 'score' => '0.873', 'preview' => 'p']],
        ];
        $a = $this->writeLog($hostile);
        $b = $this->writeLog(['user_message' => '+1 and -1 and @sum', 'reply' => "\tTabbed Grüße 你好", 'bot_id' => '', 'guest_key' => 'abc123']);

        [$bytes, $n] = $this->export([]);
        $this->assertSame(2, $n);
        $this->assertStringStartsWith(CsvExporter::BOM, $bytes);
        $rows = $this->parse(substr($bytes, 3));
        $this->assertSame(CsvExporter::header_row(), $rows[0]);
        $this->assertCount(3, $rows);

        global $wpdb;
        $stored = $wpdb->get_row('SELECT * FROM ' . Tables::logs() . " WHERE id = $a", ARRAY_A);
        $this->assertSame([
            (string) $a, $stored['conversation_id'], str_replace(' ', 'T', $stored['created_at']) . 'Z', 'chatbot', 'support',
            'Ann, "the" tester', 'openai', 'gpt-4o-mini', '800', '300', '1.400000', '87.30',
            "'" . '=HYPERLINK("http://evil.example","click")',
            "<script>alert(1)</script>\r\nline two, with comma and \"quotes\"",
        ], $rows[1]);
        $this->assertSame("'+1 and -1 and @sum", $rows[2][12]);
        $this->assertSame("'\tTabbed Grüße 你好", $rows[2][13]);
        $this->assertSame('Guest abc123', $rows[2][5]);
        $this->assertSame('', $rows[2][4]);
        $this->assertSame('', $rows[2][11]);
        $this->assertStringContainsString("\r\n", $bytes);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $rows[1][2]);
    }

    public function testExportPagesBeyondOnePageInIdOrderWithFiltersApplied(): void
    {
        global $wpdb;
        // 2,345 rows in 3 modules, written in bulk so the test stays quick.
        $this->writeLog(['module' => 'ai_forms', 'conversation_id' => 'seed']);
        $conv = (int) $wpdb->get_var("SELECT id FROM " . Tables::conversations() . " WHERE module = 'ai_forms'");
        $vals = [];
        for ($i = 0; $i < 2344; $i++) {
            $vals[] = $wpdb->prepare("(%d, UTC_TIMESTAMP(), 'ai_forms', 'support', 0, '', 'p', 'm', 'chat', 1, 2, '0.1', %s, 'r', '{}', '[]', 'ok')", $conv, "msg $i");
        }
        $wpdb->query('INSERT INTO ' . Tables::logs() . ' (conversation_id, created_at, module, bot_id, user_id, guest_key, provider, model, usage_type,
            input_tokens, output_tokens, credits, user_message, reply, metadata, vector_context, status) VALUES ' . implode(',', $vals));
        $this->writeLog(['module' => 'chatbot']);

        [$bytes, $n] = $this->export(['module' => 'ai_forms']);
        $this->assertSame(2345, $n);
        $rows = array_slice($this->parse(substr($bytes, 3)), 1);
        $this->assertCount(2345, $rows);
        $ids = array_map('intval', array_column($rows, 0));
        $sorted = $ids;
        sort($sorted);
        $this->assertSame($sorted, $ids);
        $this->assertSame(count($ids), count(array_unique($ids)));
        $this->assertSame(['ai_forms'], array_values(array_unique(array_column($rows, 3))));
        $this->assertSame('msg 2343', $rows[2344][12]);
    }

    public function testExportWithSearchAndBotFiltersHasExactlyTheRowsTheCountAndListMatch(): void
    {
        $a = $this->writeLog(['conversation_id' => 'a', 'user_message' => 'Where is my invoice?', 'bot_id' => 'support']);
        $b = $this->writeLog(['conversation_id' => 'b', 'user_message' => 'ok', 'reply' => 'Invoices are emailed', 'bot_id' => '']);
        $c = $this->writeLog(['conversation_id' => 'c', 'user_message' => "it's 100% ok", 'reply' => 'fine', 'bot_id' => 'support']);
        $this->writeLog(['conversation_id' => 'd', 'user_message' => 'unrelated', 'reply' => 'nothing']);
        $cases = [
            [['search' => 'invoice'], [$a, $b]],
            [['search' => 'invoice', 'bot' => Filters::BOT_NONE], [$b]],
            [['search' => 'ok', 'bot' => 'support'], [$c]],          // short word: anywhere
            [['search' => "100% 'ok"], [$c]],                         // metacharacters are text
            [['search' => 'invoice', 'range' => '7', 'module' => 'chatbot'], [$a, $b]],
        ];
        foreach ($cases as [$filters, $ids]) {
            [$bytes, $n] = $this->export($filters);
            $rows = array_slice($this->parse(substr($bytes, 3)), 1);
            $this->assertSame($ids, array_map('intval', array_column($rows, 0)), json_encode($filters));
            $this->assertSame(count($ids), $n);
            $f = Filters::from_request($filters);
            $this->assertSame(count($ids), \AipkitUsage\Logs\LogDeleter::count($f)['exchanges'], 'count and export disagree');
            $listed = \AipkitUsage\Logs\ConversationList::page($f, 100)['items'];
            $this->assertSame(count($ids), count($listed), 'list and export disagree: ' . json_encode($filters));
        }
    }

    public function testRestExportNeedsTheCapabilityAndAValidNonceAndValidFilters(): void
    {
        $this->actAs($this->createUser('subscriber'));
        $r = $this->rest('GET', '/aipkit/v1/logs/export', [], $this->restNonce());
        $this->assertSame(403, $r->get_status());
        $this->assertSame('rest_forbidden', $this->restData($r)['code']);
        $this->assertNotInstanceOf(ExportStream::class, $r->get_data());

        $this->admin();
        $r = $this->rest('GET', '/aipkit/v1/logs/export', [], 'forged-nonce');
        $this->assertSame(403, $r->get_status());
        $this->assertSame('rest_cookie_invalid_nonce', $this->restData($r)['code']);

        $r = $this->rest('GET', '/aipkit/v1/logs/export', ['range' => '8'], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('aipkit_invalid_filter', $this->restData($r)['code']);

        $r = $this->rest('GET', '/aipkit/v1/logs/export', ['search' => "\xFF"], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('search', $this->restData($r)['data']['field']);
        $r = $this->rest('GET', '/aipkit/v1/logs/export', ['search' => str_repeat('z', 201)], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('search', $this->restData($r)['data']['field']);

        $r = $this->rest('GET', '/aipkit/v1/logs/export', ['module' => 'chatbot', 'range' => '30'], $this->restNonce());
        $this->assertSame(200, $r->get_status());
        $stream = $r->get_data();
        $this->assertInstanceOf(ExportStream::class, $stream);
        $this->assertSame(['search' => '', 'bot' => '', 'module' => 'chatbot', 'range' => '30'], $stream->filters->to_array());
    }

    public function testFilenameNamesTheSiteAndDate(): void
    {
        update_option('blogname', 'My <Shop> & Co');
        $this->assertSame('my-shop-co-logs-2026-11-25.csv', CsvExporter::filename(gmmktime(12, 0, 0, 11, 25, 2026)));
    }

    private function export(array $filters): array
    {
        $f = Filters::from_request($filters);
        $this->assertInstanceOf(Filters::class, $f);
        $bytes = '';
        $n = CsvExporter::stream($f, function (string $chunk) use (&$bytes) {
            $bytes .= $chunk;
        });
        $this->assertIsInt($n, is_wp_error($n) ? $n->get_error_message() : '');
        return [$bytes, $n];
    }

    private function parse(string $csv): array
    {
        $h = fopen('php://memory', 'w+');
        fwrite($h, $csv);
        rewind($h);
        $rows = [];
        while (($row = fgetcsv($h, 0, ',', '"', '')) !== false) {
            $rows[] = $row;
        }
        fclose($h);
        return $rows;
    }
}
