<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\LogDeleter;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

final class DeleteTest extends TestCase
{
    use LogFixtures;

    /** @var array<int,array{module:string,bot:string,age:int}> log id => attributes */
    private array $logs = [];

    protected function setUp(): void
    {
        parent::setUp();
        $now = time();
        $n = 0;
        foreach (['chatbot', 'ai_forms'] as $module) {
            foreach (['b1', ''] as $bot) {
                for ($c = 0; $c < 3; $c++) {
                    // Conversations spanning old and recent exchanges: partial deletes must fix summaries.
                    foreach ([2, 40, 100] as $age) {
                        $n++;
                        $id = $this->writeLog(['module' => $module, 'bot_id' => $bot, 'conversation_id' => "$module-$bot-$c",
                            'created_at' => $now - $age * DAY_IN_SECONDS + $n, 'input_tokens' => $n, 'credits' => "0.00000$c",
                            'user_message' => "message $n"]);
                        $this->logs[$id] = ['module' => $module, 'bot' => $bot, 'age' => $age];
                    }
                }
            }
        }
    }

    public function testEachFilterDeletesExactlyWhatItMatchesAndKeepsSummariesExact(): void
    {
        $cases = [
            [['module' => 'ai_forms'], fn($l) => $l['module'] === 'ai_forms'],
            [['bot' => Filters::BOT_NONE, 'range' => '7'], fn($l) => $l['bot'] === '' && $l['age'] < 7],
            [['bot' => 'b1', 'range' => '90'], fn($l) => $l['bot'] === 'b1' && $l['age'] < 90],
            [[], fn($l) => true],
        ];
        foreach ($cases as [$filters, $match]) {
            $f = Filters::from_request($filters);
            $this->assertInstanceOf(Filters::class, $f, json_encode($filters));
            $expected = array_keys(array_filter($this->logs, $match));
            $count = LogDeleter::count($f);
            $this->assertSame(count($expected), $count['exchanges'], json_encode($filters));

            // Tiny batches: many rounds, as the UI loops.
            $after = 0;
            $total = 0;
            for ($guard = 0; $guard < 100; $guard++) {
                $r = LogDeleter::batch($f, $count['max_id'], $after, 4);
                $total += $r['deleted'];
                $after = $r['last_id'];
                if ($r['done']) break;
            }
            $this->assertSame(count($expected), $total);
            $left = $this->remainingIds();
            foreach ($expected as $id) {
                $this->assertNotContains($id, $left);
                unset($this->logs[$id]);
            }
            $this->assertSame(array_keys($this->logs), $left, 'rows outside the filter were deleted');
            $this->assertSummariesConsistent();
        }
        $this->assertSame(0, $this->countConversations());
    }

    public function testRowsWrittenAfterTheCountSurviveTheDelete(): void
    {
        $f = Filters::from_request(['module' => 'chatbot']);
        $count = LogDeleter::count($f);
        $late = $this->writeLog(['module' => 'chatbot', 'bot_id' => 'b1', 'conversation_id' => 'chatbot-b1-0']);
        $r = LogDeleter::batch($f, $count['max_id'], 0);
        $this->assertTrue($r['done']);
        $this->assertSame($count['exchanges'], $r['deleted']);
        $this->assertSame([$late], array_values(array_intersect($this->remainingIds(), [$late])));
        $this->assertSummariesConsistent();
    }

    public function testDeleteNeverTouchesTheLedger(): void
    {
        global $wpdb;
        $ledger = $wpdb->prefix . 'aipkit_ledger';
        $before = (int) $wpdb->get_var("SELECT COUNT(*) FROM $ledger");
        $f = Filters::from_request([]);
        LogDeleter::batch($f, LogDeleter::count($f)['max_id'], 0);
        $this->assertSame(0, $this->countLogs());
        $this->assertSame($before, (int) $wpdb->get_var("SELECT COUNT(*) FROM $ledger"));
    }

    public function testRestCountAndDeleteCheckCapabilityNonceAndFilters(): void
    {
        $total = $this->countLogs();
        $this->actAs($this->createUser('editor'));
        foreach ([['GET', '/aipkit/v1/logs/count', []], ['POST', '/aipkit/v1/logs/delete', ['max_id' => PHP_INT_MAX]]] as [$m, $route, $args]) {
            $r = $this->rest($m, $route, $args, $this->restNonce());
            $this->assertSame(403, $r->get_status(), $route);
            $this->assertSame('rest_forbidden', $this->restData($r)['code'], $route);
        }
        $this->assertSame($total, $this->countLogs(), 'a delete without the capability removed rows');

        $this->admin();
        $r = $this->rest('POST', '/aipkit/v1/logs/delete', ['max_id' => 999999999], 'bad-nonce');
        $this->assertSame(403, $r->get_status());
        $this->assertSame('rest_cookie_invalid_nonce', $this->restData($r)['code']);
        $this->assertSame($total, $this->countLogs(), 'a delete with a forged nonce removed rows');
        foreach (['range' => '15', 'bot' => str_repeat('b', 65), 'search' => "message\xFF\xFE"] as $field => $value) {
            // In the query string: a JSON body cannot carry invalid UTF-8 (wp_json_encode would repair it).
            $r = $this->rest('POST', '/aipkit/v1/logs/delete?' . http_build_query([$field => $value]), ['max_id' => 999999999], $this->restNonce());
            $this->assertSame(400, $r->get_status(), $field);
            $this->assertSame('aipkit_invalid_filter', $this->restData($r)['code'], $field);
            $this->assertSame($field, $this->restData($r)['data']['field'], $field);
        }
        $r = $this->rest('POST', '/aipkit/v1/logs/delete', ['max_id' => 999999999, 'module' => 'unknown_mod'], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame('module', $this->restData($r)['data']['field']);
        $r = $this->rest('POST', '/aipkit/v1/logs/delete', ['max_id' => 999999999, 'search' => str_repeat('x', 201)], $this->restNonce());
        $this->assertSame(400, $r->get_status());
        $this->assertSame($total, $this->countLogs(), 'a refused delete removed rows');

        $c = $this->restData($this->rest('GET', '/aipkit/v1/logs/count', ['module' => 'chatbot', 'range' => '30'], $this->restNonce()));
        $this->assertSame(6, $c['exchanges']);
        $this->assertSame(6, $c['conversations']);
        $r = $this->restData($this->rest('POST', '/aipkit/v1/logs/delete', ['module' => 'chatbot', 'range' => '30', 'max_id' => $c['max_id']], $this->restNonce()));
        $this->assertSame(6, $r['deleted']);
        $this->assertTrue($r['done']);
        $this->assertSame($total - 6, $this->countLogs());
        $this->assertSummariesConsistent();
    }

    public function testSqlMetacharactersInADeleteSearchAreTextAndDeleteOnlyTheirMatches(): void
    {
        $hit = $this->writeLog(['conversation_id' => 'sql', 'user_message' => "zqxsql' OR '1'='1; DELETE FROM wp_users; -- 100% _done_"]);
        $total = $this->countLogs();
        // Each search also names the row's one unique word: the metacharacters must neither break nor widen the match.
        foreach (["zqxsql' OR '1'='1", "zqxsql%", "zqxsql _done_", "'; DELETE FROM zqxsql", '100% zqxsql', "zqxsql -- 1=1 /*"] as $search) {
            $f = Filters::from_request(['search' => $search]);
            $this->assertInstanceOf(Filters::class, $f, $search);
            $this->assertSame(1, LogDeleter::count($f)['exchanges'], $search);
        }
        $f = Filters::from_request(['search' => "zqxsql' OR '1'='1"]);
        $r = LogDeleter::batch($f, LogDeleter::count($f)['max_id'], 0);
        $this->assertSame(1, $r['deleted']);
        $this->assertNotContains($hit, $this->remainingIds());
        $this->assertSame($total - 1, $this->countLogs());
        $this->assertSummariesConsistent();
    }

    private function remainingIds(): array
    {
        global $wpdb;
        return array_map('intval', $wpdb->get_col('SELECT id FROM ' . Tables::logs() . ' ORDER BY id'));
    }
}
