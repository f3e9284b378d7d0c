<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationReader;
use AipkitUsage\Tests\TestCase;

/** A long conversation is read completely, in order, page by page (keyset on the log id). */
final class ConversationPagingTest extends TestCase
{
    use LogFixtures;

    public function testLongConversationPagesThroughEveryExchangeOnce(): void
    {
        $total = 2 * ConversationReader::MAX_EXCHANGES + 37;
        $written = [];
        for ($i = 1; $i <= $total; $i++) {
            $written[] = $this->writeLog(['conversation_id' => 'long', 'user_message' => "question $i"]);
        }
        $this->writeLog(['conversation_id' => 'other']);
        $this->admin();

        $list = $this->restData($this->rest('GET', '/aipkit/v1/logs', ['per_page' => 10]));
        $conv = array_values(array_filter($list['items'], fn($it) => $it['exchanges'] === $total))[0];

        $seen = [];
        $sizes = [];
        $after = 0;
        do {
            $page = $this->restData($this->rest('GET', '/aipkit/v1/logs/conversations/' . $conv['id'], ['after' => $after]));
            $sizes[] = count($page['exchanges']);
            foreach ($page['exchanges'] as $ex) {
                $seen[] = $ex['id'];
            }
            if (1 === count($sizes)) {
                // Written while the admin reads: shows up at the end, not lost or duplicated.
                $written[] = $this->writeLog(['conversation_id' => 'long', 'user_message' => 'late question']);
            }
            $after = $page['next_after'];
        } while (null !== $after);

        $this->assertSame($written, $seen, 'every exchange once, in order');
        $this->assertSame([200, 200, 38], $sizes);
        $this->assertSame('late question', $page['exchanges'][37]['user_message']);
        $this->assertSame($total + 1, $page['conversation']['exchanges'], 'summary kept current');
    }

    public function testBadAfterIsRejected(): void
    {
        $this->writeLog(['conversation_id' => 'c']);
        $this->admin();
        $id = $this->restData($this->rest('GET', '/aipkit/v1/logs'))['items'][0]['id'];
        $this->assertSame(400, $this->rest('GET', "/aipkit/v1/logs/conversations/$id", ['after' => -1])->get_status());
        $this->assertSame(400, $this->rest('GET', "/aipkit/v1/logs/conversations/$id", ['after' => 'x'])->get_status());
        $past = $this->restData($this->rest('GET', "/aipkit/v1/logs/conversations/$id", ['after' => PHP_INT_MAX]));
        $this->assertSame([], $past['exchanges']);
        $this->assertNull($past['next_after']);
    }
}
