<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\LogDeleter;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 12.10/12.11: short tokens (booking codes, numbers) are searched through the TermIndex:
 * complete pages (never partial), the matching exchange rather than the newest, and the words to
 * highlight.
 */
final class ShortWordSearchTest extends TestCase
{
    use LogFixtures;

    public function testTheResultShowsTheMatchingExchangeNotTheNewest(): void
    {
        $t = time() - 3600;
        $hit = $this->writeLog(['conversation_id' => 'booking', 'user_message' => 'Where is my booking QX-7?', 'reply' => 'Checking.', 'created_at' => $t]);
        $this->writeLog(['conversation_id' => 'booking', 'user_message' => 'Thanks, bye', 'reply' => 'You are welcome', 'created_at' => $t + 60]);
        $this->writeLog(['conversation_id' => 'other', 'user_message' => 'QX-8 and 8 apples, not seven', 'reply' => 'no', 'created_at' => $t + 120]);

        $page = ConversationList::page(Filters::from_request(['search' => 'qx-7']), 10);
        $this->assertIsArray($page);
        $this->assertCount(1, $page['items']);
        $item = $page['items'][0];
        $this->assertSame('Thanks, bye', $item['last_preview'], 'the summary still knows the newest message');
        $this->assertSame($hit, $item['match']['id']);
        $this->assertSame('Where is my booking QX-7?', $item['match']['user_message']);
        $this->assertSame(['qx', '7'], $page['words']);
        $this->assertFalse($page['partial']);
    }

    public function testPagesAreCompleteDistinctAndAgreeWithTheCount(): void
    {
        $t = time() - 7200;
        for ($i = 0; $i < 25; $i++) {
            // Each conversation matches once, among non-matching exchanges; some match twice.
            $this->writeLog(['conversation_id' => "c{$i}", 'user_message' => "noise {$i}", 'created_at' => $t + $i * 10]);
            $this->writeLog(['conversation_id' => "c{$i}", 'user_message' => "order QX 7 number {$i}", 'created_at' => $t + $i * 10 + 1,
                'module' => 0 === $i % 5 ? 'ai_forms' : 'chatbot']);
            if (0 === $i % 3) {
                $this->writeLog(['conversation_id' => "c{$i}", 'user_message' => 'again qx 7', 'created_at' => $t + $i * 10 + 2,
                    'module' => 0 === $i % 5 ? 'ai_forms' : 'chatbot']);
            }
        }
        $f = Filters::from_request(['search' => 'QX 7']);
        $seen = [];
        $cursor = '';
        $pages = 0;
        do {
            $page = ConversationList::page($f, 10, $cursor);
            $this->assertIsArray($page, is_wp_error($page) ? $page->get_error_message() : '');
            $this->assertFalse($page['partial']);
            if (null !== $page['next_cursor']) {
                $this->assertCount(10, $page['items'], 'every page but the last is full');
            }
            foreach ($page['items'] as $it) {
                $this->assertArrayNotHasKey($it['id'], $seen, 'a conversation is listed once');
                $seen[$it['id']] = $it['match']['id'];
            }
            $cursor = (string) $page['next_cursor'];
            $pages++;
        } while ('' !== $cursor && $pages < 10);
        $this->assertCount(25, $seen);
        $this->assertSame(25, LogDeleter::count($f)['conversations']);
        $this->assertSame(['conversations' => 25, 'capped' => false, 'at_least' => false], ConversationList::count_matches($f));
        // Stopword + short word (row check + index) agrees with the delete count.
        $g = Filters::from_request(['search' => 'again qx']);
        $this->assertSame(LogDeleter::count($g)['conversations'], ConversationList::count_matches($g)['conversations']);
        $this->assertSame(9, ConversationList::count_matches($g)['conversations']);
        // Newest matches first.
        $order = array_values($seen);
        $sorted = $order;
        rsort($sorted);
        $this->assertSame($sorted, $order);

        $forms = ConversationList::page(Filters::from_request(['search' => 'qx 7', 'module' => 'ai_forms']), 50);
        $this->assertCount(5, $forms['items']);
        $this->assertSame(5, LogDeleter::count(Filters::from_request(['search' => 'qx 7', 'module' => 'ai_forms']))['conversations']);
    }

    public function testAShortWordMatchingNothingAnswersAnEmptyCompletePage(): void
    {
        $this->writeLog(['user_message' => 'nothing here']);
        $page = ConversationList::page(Filters::from_request(['search' => 'zq']), 10);
        $this->assertSame([], $page['items']);
        $this->assertFalse($page['partial']);
        $this->assertNull($page['next_cursor']);
    }

    /** After the upgrade, rows written before the index are found by their text until the backfill indexed them. */
    public function testTheUpgradeBackfillIndexesOlderRowsAndSearchFindsThemMeanwhile(): void
    {
        global $wpdb;
        $a = $this->writeLog(['conversation_id' => 'old1', 'user_message' => 'ticket QX-9 lost']);
        $b = $this->writeLog(['conversation_id' => 'old2', 'user_message' => 'QX 9 again']);
        $wpdb->query('DELETE FROM ' . \AipkitUsage\Logs\Tables::terms()); // as before the upgrade
        $f = Filters::from_request(['search' => 'qx-9']);
        $this->assertSame(0, LogDeleter::count($f)['exchanges'], 'precondition: the index is empty');

        \AipkitUsage\Logs\TermIndex::start_backfill();
        $this->assertNotNull(\AipkitUsage\Logs\TermIndex::backfill_pending());
        $this->assertNotFalse(wp_next_scheduled(\AipkitUsage\Logs\TermIndex::BACKFILL_HOOK));
        $this->assertSame(2, LogDeleter::count($f)['exchanges'], 'meanwhile the text of unindexed rows is checked');
        $this->assertCount(2, ConversationList::page($f, 10)['items']);

        do_action(\AipkitUsage\Logs\TermIndex::BACKFILL_HOOK);
        $this->assertNull(\AipkitUsage\Logs\TermIndex::backfill_pending());
        $this->assertSame(2, (int) $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . \AipkitUsage\Logs\Tables::terms() . ' WHERE term = %s', 'qx')));
        $this->assertSame(2, LogDeleter::count($f)['exchanges']);
        $this->assertSame([$b, $a], array_column(array_column(ConversationList::page($f, 10)['items'], 'match'), 'id'));
    }
}
