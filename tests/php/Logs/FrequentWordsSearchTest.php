<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\WordFrequency;
use AipkitUsage\Tests\TestCase;

/**
 * Searches FULLTEXT must not answer (docs/logs.md, search): MariaDB reads every match of the word it
 * is asked for before it filters or limits, seconds for a word in a sixth of 1,000,000 rows.
 *
 * - Two words each frequent but never in the same exchange: the windows find nothing, yet FULLTEXT
 *   on the rarer one would read all its matches. The frequency that counts is that word's, not
 *   the combination's (0).
 * - A word frequent only in old rows: the newest rows alone say "rare"; the probes spread over the
 *   older ids (WordFrequency) see it.
 *
 * Such searches read on in bounded windows and answer partial pages ("Keep searching") until the
 * end. Which path ran, and how many rows each page read, is taken from the SQL sent.
 * Rows are committed (FULLTEXT indexes only committed rows).
 */
final class FrequentWordsSearchTest extends TestCase
{
    use SearchSqlFixtures;

    /** The most ids (or filter rows) a page may read here: the no-match handover (250) plus one window. */
    private const PAGE_READ_MAX = 300;

    private array $saved = [];

    protected function transactional(): bool
    {
        return false;
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->saved = [
            ConversationList::$window, ConversationList::$fulltext_match_cap, ConversationList::$walk_rows_cap,
            ConversationList::$walk_budget_s, WordFrequency::$newest_rows, WordFrequency::$probe_rows, WordFrequency::$probes,
        ];
        // Oldest: the one exchange where both words meet.
        $this->write('both', 'ai_forms', 'contact-form', 'Invoice and shipping in one message');
        // Then 150 exchanges about a damaged parcel: "parcel" is frequent, but only in old rows.
        for ($i = 0; $i < 150; $i++) {
            $this->write('parcel-' . ($i % 30), 'ai_forms', 'quote-form', "Parcel $i arrived damaged");
        }
        // Newest: 300 chat exchanges, half about an invoice, half about shipping, never both.
        for ($i = 0; $i < 300; $i++) {
            $this->write('chat-' . ($i % 60), 'chatbot', 'support', 0 === $i % 2 ? "Invoice question $i" : "Shipping question $i");
        }
        // The table is small: a word in more than 50 rows counts as too frequent for FULLTEXT, the
        // sample is the newest 20 ids and 4 probes of 10 below them, windows are 50 rows, and a page
        // reads at most 120 rows past the 250 the no-match handover reads (only the row bound ends a
        // page here: the clock would make the pages depend on the machine's load).
        ConversationList::$fulltext_match_cap = 50;
        ConversationList::$window = 50;
        ConversationList::$walk_rows_cap = 120;
        ConversationList::$walk_budget_s = 600.0;
        WordFrequency::$newest_rows = 20;
        WordFrequency::$probe_rows = 10;
        WordFrequency::$probes = 4;
        add_filter('query', [$this, 'record']);
    }

    protected function tearDown(): void
    {
        remove_filter('query', [$this, 'record']);
        [
            ConversationList::$window, ConversationList::$fulltext_match_cap, ConversationList::$walk_rows_cap,
            ConversationList::$walk_budget_s, WordFrequency::$newest_rows, WordFrequency::$probe_rows, WordFrequency::$probes,
        ] = $this->saved;
        parent::tearDown();
    }

    /**
     * Every page of a search, following the cursor: each page is checked for no FULLTEXT query and
     * a bounded read; returns the pages.
     */
    private function allPages(array $in, int $per_page = 10): array
    {
        $f = Filters::from_request($in);
        $this->assertInstanceOf(Filters::class, $f);
        $pages = [];
        $cursor = '';
        do {
            $this->sql = [];
            $page = ConversationList::page($f, $per_page, $cursor);
            $this->assertIsArray($page, is_wp_error($page) ? $page->get_error_message() : '');
            $this->assertSame([], $this->fulltextQueries(), 'no FULLTEXT query: ' . json_encode($in));
            $this->assertLessThanOrEqual(self::PAGE_READ_MAX, $this->rowsRead(), 'a bounded read per page');
            $pages[] = $page;
            $cursor = (string) $page['next_cursor'];
            $this->assertLessThan(20, count($pages), 'the pages come to an end');
        } while ('' !== $cursor);
        return $pages;
    }

    /** Rows the page's windows read: ids of each id window, or the filter rows each walk window counted. */
    private function rowsRead(): int
    {
        global $wpdb;
        $n = 0;
        foreach ($this->sql as $q) {
            if (preg_match('/FORCE INDEX \(\w+\) WHERE .* AND l\.id < \d+ ORDER BY l\.id DESC LIMIT (\d+)\) w/s', $q, $m)) {
                $n += (int) $wpdb->get_var($q); // the window's row count (its first column), as the page read it
            } elseif (false === stripos($q, 'FORCE INDEX') && preg_match('/GROUP BY l\.conversation_id ORDER BY hit DESC$/', trim($q)) && preg_match('/l\.id >= (\d+) AND l\.id < (\d+)/', $q, $m)) {
                $n += (int) $m[2] - (int) $m[1];
            }
        }
        return $n;
    }

    private function found(array $pages): array
    {
        $ids = array_merge(...array_map(static fn ($p) => array_column($p['items'], 'id'), $pages));
        sort($ids);
        return $ids;
    }

    public function testTwoFrequentWordsThatNeverMeetAreReadInBoundedPagesNotByFulltext(): void
    {
        $pages = $this->allPages(['search' => 'invoice shipping']);

        $this->assertGreaterThan(1, count($pages), '451 ids at most 300 a page');
        // The windows stop at the oldest id: earlier tests' deleted rows leave the ids below it empty,
        // and reading them would only add empty partial pages.
        $this->assertLessThanOrEqual(2, count($pages));
        $this->assertTrue($pages[0]['partial'], 'the first page stops at its bound and says so');
        $this->assertSame([], $pages[0]['items']);
        $last = end($pages);
        $this->assertFalse($last['partial']);
        $this->assertSame($this->ids('both'), $this->found($pages), 'the one exchange where they meet, on the page that reaches it');
        $this->assertStringContainsString('Invoice and shipping', $last['items'][0]['match']['user_message']);
    }

    public function testTheMatchCountOfFrequentWordsIsBoundedAndSaysWhenItIsALowerBound(): void
    {
        $f = Filters::from_request(['search' => 'invoice shipping']);
        $this->sql = [];
        $this->assertSame(['conversations' => 0, 'capped' => false, 'at_least' => true], ConversationList::count_matches($f), 'none in the rows a page may read: "at least 0", not "none"');
        $this->assertSame([], $this->fulltextQueries());
        $this->assertLessThanOrEqual(self::PAGE_READ_MAX, $this->rowsRead());

        // With a bound past the table the windows reach the end: the exact count.
        ConversationList::$walk_rows_cap = 1000;
        $this->sql = [];
        $this->assertSame(['conversations' => 1, 'capped' => false, 'at_least' => false], ConversationList::count_matches($f));
        $this->assertSame([], $this->fulltextQueries());
        $parcel = Filters::from_request(['search' => 'parcel', 'module' => 'ai_forms']);
        $this->assertSame(['conversations' => 30, 'capped' => false, 'at_least' => false], ConversationList::count_matches($parcel));

        // A rare word is still counted by FULLTEXT, exactly.
        $this->assertSame(['conversations' => 1, 'capped' => false, 'at_least' => false], ConversationList::count_matches(Filters::from_request(['search' => 'message'])));
    }

    public function testTwoFrequentWordsThatNeverMeetUnderAFilterWalkItsRowsBounded(): void
    {
        // The support bot's 300 rows hold both words, never together: no match, and no FULLTEXT.
        $pages = $this->allPages(['search' => 'invoice shipping', 'bot' => 'support']);
        $this->assertCount(2, $pages);
        $this->assertTrue($pages[0]['partial']);
        $this->assertFalse($pages[1]['partial']);
        $this->assertSame([], $this->found($pages));

        // The forms module's rows hold the one meeting.
        $this->assertSame($this->ids('both'), $this->found($this->allPages(['search' => 'invoice shipping', 'module' => 'ai_forms'])));
    }

    public function testAWordFrequentOnlyInOldRowsIsSeenByTheProbesAndReadBounded(): void
    {
        // No filter: the newest 300 ids hold no "parcel"; the next page reaches the parcels.
        $pages = $this->allPages(['search' => 'parcel']);
        $this->assertTrue($pages[0]['partial']);
        $this->assertSame([], $pages[0]['items']);
        $this->assertCount(10, $pages[1]['items'], 'a complete page once the windows reach them');
        $this->assertFalse($pages[1]['partial']);
        $this->assertSame($this->ids(...array_map(static fn ($i) => "parcel-$i", range(0, 29))), $this->found($pages));
        $this->assertStringContainsString('Parcel 149 arrived damaged', $pages[1]['items'][0]['match']['user_message']);

        // Under a filter with no parcel at all: walked to its end, bounded, never FULLTEXT.
        $pages = $this->allPages(['search' => 'parcel', 'bot' => 'support']);
        $this->assertTrue($pages[0]['partial']);
        $this->assertSame([], $this->found($pages));
        $this->assertFalse(end($pages)['partial']);
    }

    public function testTheNewestRowsAloneWouldHaveHandedTheOldWordToFulltext(): void
    {
        // The same search with the probes switched off (newest ids only) goes to FULLTEXT: the probes
        // are what keeps it away.
        WordFrequency::$probes = 0;
        $this->sql = [];
        $page = ConversationList::page(Filters::from_request(['search' => 'parcel', 'bot' => 'support']), 10);
        $this->assertSame([], $page['items']);
        $this->assertCount(1, $this->fulltextQueries());
    }

    public function testAWordRareOverallStillGoesToFulltextAtOnce(): void
    {
        // "message" is in one row: the sample says rare, FULLTEXT answers after the first windows.
        $this->sql = [];
        $page = ConversationList::page(Filters::from_request(['search' => 'message shipping']), 10);
        $this->assertSame($this->ids('both'), array_column($page['items'], 'id'));
        $this->assertFalse($page['partial']);
        $ft = $this->fulltextQueries();
        $this->assertCount(1, $ft);
        $this->assertStringContainsString("'+message*'", $ft[0], 'the rare word is the one FULLTEXT reads');
    }
}
