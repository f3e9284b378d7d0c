<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Schema\Schema;
use AipkitUsage\Tests\TestCase;

/**
 * A search under a filter whose rows are all old, for a word frequent in the newer rows (docs/logs.md,
 * search): the windows walk the filter's own rows (logs KEY module_id …), so the density they measure
 * is the filter's, and FULLTEXT — which reads every match of the word in the whole table before it
 * filters — is asked only when the word is rare overall. Which path ran is read from the queries sent.
 * Rows are committed (FULLTEXT indexes only committed rows).
 */
final class FilteredSearchTest extends TestCase
{
    use SearchSqlFixtures;

    private int $window;
    private int $cap;
    private int $walk_cap;
    private float $walk_budget;

    protected function transactional(): bool
    {
        return false;
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->window = ConversationList::$window;
        $this->cap = ConversationList::$fulltext_match_cap;
        $this->walk_cap = ConversationList::$walk_rows_cap;
        $this->walk_budget = ConversationList::$walk_budget_s;
        // Only the row bound ends a walk here: the clock would make these pages depend on the machine's load.
        ConversationList::$walk_budget_s = 600.0;
        // Oldest: 12 content_writer exchanges, 10 of them about the warranty.
        for ($i = 0; $i < 12; $i++) {
            $this->write("cw-$i", 'content_writer', 'writer', $i < 10 ? "Warranty text number $i" : 'Blog post about shoes');
        }
        // Then 400 form entries: only the very first mentions the warranty (and a claim).
        for ($i = 0; $i < 400; $i++) {
            $this->write("form-$i", 'ai_forms', 'contact-form', 0 === $i ? 'My warranty claim form' : "Billing question $i");
        }
        // Newest: 300 chat exchanges, every one about the warranty (a word frequent overall).
        for ($i = 0; $i < 300; $i++) {
            $this->write('chat-' . ($i % 60), 'chatbot', 'support', "Is the warranty still valid? ($i)");
        }
        // The table is small: a word in more than 50 rows counts as too frequent for FULLTEXT here.
        ConversationList::$fulltext_match_cap = 50;
        add_filter('query', [$this, 'record']);
    }

    protected function tearDown(): void
    {
        remove_filter('query', [$this, 'record']);
        ConversationList::$window = $this->window;
        ConversationList::$fulltext_match_cap = $this->cap;
        ConversationList::$walk_rows_cap = $this->walk_cap;
        ConversationList::$walk_budget_s = $this->walk_budget;
        parent::tearDown();
    }

    private function page(array $in, int $per_page, string $cursor = ''): array
    {
        $f = Filters::from_request($in);
        $this->assertInstanceOf(Filters::class, $f);
        $this->sql = [];
        $page = ConversationList::page($f, $per_page, $cursor);
        $this->assertIsArray($page, is_wp_error($page) ? $page->get_error_message() : '');
        return $page;
    }

    private function itemIds(array $page): array
    {
        $ids = array_column($page['items'], 'id');
        sort($ids);
        return $ids;
    }

    public function testFrequentWordUnderAFilterWhoseRowsAreAllOldIsFoundByWalkingTheFiltersRows(): void
    {
        $page = $this->page(['search' => 'warranty', 'module' => 'content_writer'], 10);

        $expected = $this->ids(...array_map(static fn ($i) => "cw-$i", range(0, 9)));
        $this->assertSame($expected, $this->itemIds($page));
        $this->assertNull($page['next_cursor'], 'exactly ten match: no further page');
        $this->assertFalse($page['partial']);
        $this->assertSame([], $this->fulltextQueries(), 'no FULLTEXT query (it would read all 310 matches)');
        // Newest match first, and the match shown is the exchange with the word.
        $this->assertSame($this->conv['cw-9'], $page['items'][0]['id']);
        $this->assertStringContainsString('Warranty text number 9', $page['items'][0]['match']['user_message']);
    }

    public function testWordFrequentOverallButSparseUnderTheFilterWalksBoundedAndPagesOn(): void
    {
        ConversationList::$window = 50;
        ConversationList::$walk_rows_cap = 260;

        $first = $this->page(['search' => 'warranty', 'bot' => 'contact-form'], 10);

        $this->assertSame([], $this->fulltextQueries(), 'a word in 310 of 712 rows is not handed to FULLTEXT');
        $this->assertTrue($first['partial'], 'the walk stops at its row bound and says so');
        $this->assertSame([], $first['items']);
        $this->assertMatchesRegularExpression('/^h:\d+$/', (string) $first['next_cursor']);

        $second = $this->page(['search' => 'warranty', 'bot' => 'contact-form'], 10, $first['next_cursor']);

        $this->assertSame([], $this->fulltextQueries());
        $this->assertSame($this->ids('form-0'), $this->itemIds($second));
        $this->assertFalse($second['partial']);
        $this->assertNull($second['next_cursor']);
    }

    public function testWordRareOverallUnderTheSameFilterIsLeftToFulltext(): void
    {
        $page = $this->page(['search' => 'claim', 'module' => 'ai_forms'], 10);

        $this->assertSame($this->ids('form-0'), $this->itemIds($page));
        $this->assertFalse($page['partial']);
        $this->assertCount(1, $this->fulltextQueries(), 'rare overall: FULLTEXT answers the rest at once');
    }

    public function testUntilSchemaEightIsInstalledTheIdWindowsAnswer(): void
    {
        update_option(Schema::OPTION, '7');
        try {
            // A word rare overall: the id windows hand over to FULLTEXT as before.
            $rare = $this->page(['search' => 'claim', 'module' => 'ai_forms'], 10);
            $rare_sql = $this->sql;
            // A word frequent overall: the id windows read on, bounded (here: to the end), never FULLTEXT.
            $frequent = $this->page(['search' => 'warranty', 'module' => 'content_writer'], 10);
        } finally {
            update_option(Schema::OPTION, Schema::VERSION);
        }
        $this->assertSame($this->ids('form-0'), $this->itemIds($rare));
        $this->assertSame([], array_filter(array_merge($rare_sql, $this->sql), static fn ($q) => false !== stripos($q, 'FORCE INDEX')), 'keys not there yet: not forced');
        $this->assertCount(1, array_filter($rare_sql, static fn ($q) => false !== stripos($q, 'MATCH(')), 'the id windows hand a rare word over');
        $this->assertSame($this->ids(...array_map(static fn ($i) => "cw-$i", range(0, 9))), $this->itemIds($frequent));
        $this->assertFalse($frequent['partial']);
        $this->assertSame([], $this->fulltextQueries(), 'a frequent word is read by the windows');
    }

    public function testUserFilterWalksTheUsersRowsToo(): void
    {
        $user = self::factory()->user->create();
        $this->writeLog(['conversation_id' => 'mine', 'user_id' => $user, 'guest_key' => '', 'user_message' => 'warranty for my order', 'reply' => 'ok']);
        // Ids climb past the user's one row: every newer row is someone else's.
        for ($i = 0; $i < 300; $i++) {
            $this->writeLog(['conversation_id' => 'later-' . ($i % 30), 'user_message' => "warranty again $i", 'reply' => 'ok']);
        }

        $page = $this->page(['search' => 'warranty', 'user_id' => (string) $user], 10);

        $this->assertCount(1, $page['items']);
        $this->assertSame($user, $page['items'][0]['user_id']);
        $this->assertSame([], $this->fulltextQueries());
    }

    public function testSeveralWordsAskFulltextForTheRarestAloneAndCheckTheOthersOnItsRows(): void
    {
        // No filter: the newest 250 rows hold no "warranty claim", so the index answers. MariaDB reads
        // every match of every word of a boolean query: it is asked for "claim" (1 row) only.
        $page = $this->page(['search' => 'warranty claim'], 10);

        $this->assertSame($this->ids('form-0'), $this->itemIds($page));
        $this->assertFalse($page['partial']);
        $ft = $this->fulltextQueries();
        $this->assertCount(1, $ft);
        $this->assertStringContainsString("'+claim*'", $ft[0]);
        $this->assertStringNotContainsString('+warranty*', $ft[0], 'the frequent word is checked on the rows, not read from the index');
        $this->assertStringContainsString('My warranty claim form', $page['items'][0]['match']['user_message']);

        $f = Filters::from_request(['search' => 'warranty claim']);
        $this->sql = [];
        $this->assertSame(['conversations' => 1, 'capped' => false, 'at_least' => false], ConversationList::count_matches($f));
        $this->assertStringNotContainsString('+warranty*', implode("\n", $this->fulltextQueries()));

        // A rare word with a frequent one that never meet: nothing, without reading the frequent one.
        $none = $this->page(['search' => 'warranty kangaroo'], 10);
        $this->assertSame([], $none['items']);
        $this->assertFalse($none['partial']);
        $this->assertStringNotContainsString('+warranty*', implode("\n", $this->fulltextQueries()));
        // "shoes" occurs only with "blog": the row check still requires both words.
        $this->assertSame([], $this->page(['search' => 'warranty shoes'], 10)['items']);
        $this->assertSame($this->ids('cw-10', 'cw-11'), $this->itemIds($this->page(['search' => 'blog shoes'], 10)));
    }
}
