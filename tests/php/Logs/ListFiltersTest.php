<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Tests\TestCase;

/**
 * Every filter and every combination against an independent expectation computed from the fixture
 * in PHP. Searches here use short words and stopwords (the LIKE path): FULLTEXT needs committed rows
 * and is covered by SearchFullTextTest.
 */
final class ListFiltersTest extends TestCase
{
    use LogFixtures;

    /** @var array<int,array> conversation id => fixture */
    private array $convs = [];

    protected function setUp(): void
    {
        parent::setUp();
        $now = time();
        $i = 0;
        foreach (['chatbot', 'ai_forms'] as $module) {
            foreach (['b1', 'b2', ''] as $bot) {
                foreach ([1, 10, 45, 120] as $ageDays) {
                    $i++;
                    $msgs = [
                        ['m' => "question $i about an ox", 'r' => 'Reply plain'],
                        ['m' => $i % 2 ? 'Grüße aus Köln' : 'nothing here', 'r' => $i % 3 ? 'it is "quoted" text' : 'reply 100% sure'],
                    ];
                    $id = 0;
                    foreach ($msgs as $k => $m) {
                        $id = $this->writeLog([
                            'module' => $module, 'bot_id' => $bot, 'conversation_id' => "c$i",
                            'user_message' => $m['m'], 'reply' => $m['r'],
                            'created_at' => $now - $ageDays * DAY_IN_SECONDS - 100 + $k,
                        ]);
                    }
                    global $wpdb;
                    $cid = (int) $wpdb->get_var("SELECT conversation_id FROM {$wpdb->prefix}aipkit_logs WHERE id = $id");
                    $this->convs[$cid] = ['module' => $module, 'bot' => $bot, 'age' => $ageDays, 'msgs' => $msgs];
                }
            }
        }
    }

    public function testEveryFilterCombinationListsExactlyTheMatchingConversations(): void
    {
        $checked = 0;
        foreach (['', 'chatbot', 'ai_forms'] as $module) {
            foreach (['', Filters::BOT_NONE, 'b1', 'b2'] as $bot) {
                foreach (['', '7', '30', '90'] as $range) {
                    foreach (['', 'ox', 'is', 'about ox', '"', '%'] as $search) {
                        $f = Filters::from_request(compact('module', 'bot', 'range', 'search'));
                        $this->assertInstanceOf(Filters::class, $f);
                        $got = $this->allPages($f, 10);
                        $want = $this->expected($module, $bot, (int) $range, $search);
                        sort($want);
                        $sorted = $got;
                        sort($sorted);
                        $this->assertSame($want, $sorted, "module=$module bot=$bot range=$range search=$search");
                        $this->assertSame(count($got), count(array_unique($got)), 'a conversation appeared twice across pages');
                        $checked++;
                    }
                }
            }
        }
        $this->assertSame(288, $checked);
    }

    public function testPlainListIsNewestFirstAndPagesWithoutGapsOrRepeats(): void
    {
        $f = Filters::from_request([]);
        $ids = $this->allPages($f, 10);
        $this->assertCount(24, $ids);
        $ages = array_map(fn($id) => $this->convs[$id]['age'], $ids);
        $sorted = $ages;
        sort($sorted);
        $this->assertSame($sorted, $ages);
    }

    public function testShortWordScanAcrossManySmallWindowsStillFindsEachConversationOnce(): void
    {
        ConversationList::$window = 3;
        try {
            foreach (['ox', 'is', '%'] as $search) {
                $f = Filters::from_request(['search' => $search]);
                $got = $this->allPages($f, 10);
                $want = $this->expected('', '', 0, $search);
                sort($want);
                $sorted = $got;
                sort($sorted);
                $this->assertSame($want, $sorted, $search);
                $this->assertSame(count($got), count(array_unique($got)));
            }
        } finally {
            ConversationList::$window = 25000;
        }
    }

    public function testListItemsCarrySummaryFields(): void
    {
        $uid = $this->createUser('subscriber', ['display_name' => 'Dana Scully']);
        $this->writeLog(['user_id' => $uid, 'guest_key' => '', 'conversation_id' => 'named', 'credits' => '1.5', 'user_message' => 'newest one']);
        $page = ConversationList::page(Filters::from_request([]), 10);
        $first = $page['items'][0];
        $this->assertSame('Dana Scully', $first['user_name']);
        $this->assertSame('1.500000', $first['credits']);
        $this->assertSame(1, $first['exchanges']);
        $this->assertSame('newest one', $first['last_preview']);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $first['last_at']);
    }

    /** @dataProvider badFilters */
    public function testBadFiltersAreRefusedNamingTheField(array $in, string $field): void
    {
        $f = Filters::from_request($in);
        $this->assertInstanceOf(\WP_Error::class, $f);
        $this->assertSame('aipkit_invalid_filter', $f->get_error_code());
        $this->assertSame($field, $f->get_error_data()['field']);
    }

    public function badFilters(): array
    {
        return [
            'range 15' => [['range' => '15'], 'range'],
            'range negative' => [['range' => '-7'], 'range'],
            'range sql' => [['range' => '7 OR 1=1'], 'range'],
            'unknown module' => [['module' => 'nope'], 'module'],
            'module sql' => [['module' => "x' OR '1"], 'module'],
            'bot id too long' => [['bot' => str_repeat('b', 65)], 'bot'],
            'bot id with a control character' => [['bot' => "gh\x01ost"], 'bot'],
            'search too long' => [['search' => str_repeat('a', 201)], 'search'],
            'search not utf8' => [['search' => "abc\xFF\xFE"], 'search'],
            'search array' => [['search' => ['x']], 'search'],
        ];
    }

    public function testSearchOfExactlyTwoHundredCharactersIsAccepted(): void
    {
        $this->assertInstanceOf(Filters::class, Filters::from_request(['search' => str_repeat('é', 200)]));
    }

    public function testBadPageSizeAndCursorAreRefused(): void
    {
        $f = Filters::from_request([]);
        $this->assertSame('per_page', ConversationList::page($f, 13)->get_error_data()['field']);
        $this->assertSame('cursor', ConversationList::page($f, 10, "t:1' OR 1")->get_error_data()['field']);
        $s = Filters::from_request(['search' => 'ox']);
        $this->assertSame('cursor', ConversationList::page($s, 10, 't:1:2')->get_error_data()['field']);
    }

    private function allPages(Filters $f, int $per): array
    {
        $ids = [];
        $cursor = '';
        for ($guard = 0; $guard < 100; $guard++) {
            $page = ConversationList::page($f, $per, $cursor);
            $this->assertIsArray($page, is_wp_error($page) ? $page->get_error_message() : '');
            $this->assertLessThanOrEqual($per, count($page['items']));
            foreach ($page['items'] as $it) {
                $ids[] = $it['id'];
            }
            if (!$page['next_cursor']) {
                return $ids;
            }
            $cursor = $page['next_cursor'];
        }
        $this->fail('paging did not end');
    }

    /** The independent oracle: plain PHP over the fixture. */
    private function expected(string $module, string $bot, int $days, string $search): array
    {
        $out = [];
        foreach ($this->convs as $id => $c) {
            if ($module !== '' && $c['module'] !== $module) continue;
            if ($bot === Filters::BOT_NONE && $c['bot'] !== '') continue;
            if ($bot !== '' && $bot !== Filters::BOT_NONE && $c['bot'] !== $bot) continue;
            if ($days && $c['age'] >= $days) continue;
            if ($search !== '') {
                $words = preg_split('/[^\p{L}\p{M}\p{N}_]+/u', mb_strtolower($search), -1, PREG_SPLIT_NO_EMPTY) ?: [$search];
                $hit = false;
                foreach ($c['msgs'] as $m) {
                    $all = true;
                    foreach ($words as $w) {
                        if (mb_stripos($m['m'], $w) === false && mb_stripos($m['r'], $w) === false) { $all = false; break; }
                    }
                    if ($all) { $hit = true; break; }
                }
                if (!$hit) continue;
            }
            $out[] = $id;
        }
        return $out;
    }
}
