<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationList;
use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\LogDeleter;
use AipkitUsage\Tests\TestCase;

/**
 * The FULLTEXT path: InnoDB only indexes committed rows, so these rows are committed and the
 * tables emptied afterwards (transactional() = false).
 */
final class SearchFullTextTest extends TestCase
{
    use LogFixtures;

    private array $ids = [];

    protected function transactional(): bool
    {
        return false;
    }

    protected function setUp(): void
    {
        parent::setUp();
        $rows = [
            'alpha' => ['user_message' => 'My invoice shows the wrong amount', 'reply' => 'Check the billing page'],
            'beta' => ['user_message' => 'Ärger mit der Rechnung', 'reply' => 'Die Rechnung wird korrigiert'],
            'gamma' => ['user_message' => 'Say "hello world" twice', 'reply' => 'hello world hello world'],
            'delta' => ['user_message' => '=HYPERLINK("http://x","click") +invoice -billing', 'reply' => "ok'; DROP TABLE wp_users; --"],
            'eps' => ['user_message' => 'Rechnungsadresse ändern', 'reply' => 'Go to account AI settings'],
            'zeta' => ['user_message' => '日本語のテキスト検索', 'reply' => 'テスト'],
        ];
        foreach ($rows as $key => $r) {
            $this->writeLog($r + ['conversation_id' => $key]);
            global $wpdb;
            $this->ids[$key] = (int) $wpdb->get_var($wpdb->prepare("SELECT id FROM {$wpdb->prefix}aipkit_conversations WHERE conversation_key = %s", "gg1a2b3:chatbot:support:$key"));
        }
    }

    /** @dataProvider searches */
    public function testSearchFindsExactlyTheExpectedConversations(string $search, array $expected): void
    {
        $f = Filters::from_request(['search' => $search]);
        $this->assertInstanceOf(Filters::class, $f);
        $page = ConversationList::page($f, 50);
        $this->assertIsArray($page, is_wp_error($page) ? $page->get_error_message() : '');
        $got = array_map(fn($it) => array_search($it['id'], $this->ids, true), $page['items']);
        sort($got);
        sort($expected);
        $this->assertSame($expected, $got, "search: $search");
        // The same filters count and delete the same rows.
        $this->assertSame(count($expected), LogDeleter::count($f)['conversations']);
    }

    public function searches(): array
    {
        return [
            'word' => ['invoice', ['alpha', 'delta']],
            'prefix of a word' => ['invo', ['alpha', 'delta']],
            'two words, both required' => ['wrong invoice', ['alpha']],
            'case and accents' => ['ÄRGER', ['beta']],
            'non-ASCII word prefix' => ['rechnung', ['beta', 'eps']],
            'quoted phrase is words, not a phrase operator' => ['"hello world"', ['gamma']],
            'unbalanced quote' => ['"hello', ['gamma']],
            'boolean operators are text' => ['+invoice -billing', ['alpha', 'delta']],
            'operator soup' => ['~invoice* <>()@', ['alpha', 'delta']],
            'SQL metacharacters' => ["'; DROP TABLE", ['delta']],
            'formula text' => ['=HYPERLINK(', ['delta']],
            'stopword with a long word' => ['the invoice', ['alpha']],
            'short word with a long word' => ['ai settings', ['eps']],
            'short word alone' => ['ai', ['eps']],
            'CJK run' => ['日本語', ['zeta']],
            'no match' => ['kangaroo', []],
            'percent sign is literal' => ['100%', []],
        ];
    }
}
