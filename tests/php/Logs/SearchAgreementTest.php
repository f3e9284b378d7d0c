<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\LogQuery;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * The two search paths — FULLTEXT (`index`) and the row-by-row check (`scan`, used by the list's
 * windows, count, delete and export) — must select the same rows, accents, expansions, scripts,
 * quotes, operators and short words included. Rows are committed: InnoDB indexes only committed rows.
 */
final class SearchAgreementTest extends TestCase
{
    use LogFixtures;

    /** @var array<string,int> key => log id */
    private array $ids = [];

    protected function transactional(): bool
    {
        return false;
    }

    protected function setUp(): void
    {
        parent::setUp();
        $rows = [
            'resume_acc' => ['Mon résumé est prêt', 'Merci'],
            'resume' => ['resume parsing', 'done'],
            'midword' => ['presumed innocent', 'ok'],
            'strasse_sz' => ['Die Straße ist lang', 'Ja'],
            'strasse' => ['strasse nr 5', 'Ja'],
            'fussball' => ['Fußball spielen', 'gern'],
            'oeuvre' => ['Œuvre complète', 'oui'],
            'cyr_lower' => ['привет мир', 'Москва'],
            'cyr_upper' => ['ПРИВЕТСТВИЕ', 'ответ'],
            'cyr_mid' => ['непривет', 'x'],
            'cjk' => ['日本語のテキスト検索', 'テスト'],
            'emoji' => ['I love 🍕pizza and 🎉party', 'yum'],
            'emoji_mid' => ['xx🍕🍕yy', 'pizzeria'],
            'quote' => ['Say "hello world" twice', "don't stop"],
            'ops' => ['+invoice -billing ~maybe', 'ok'],
            'about' => ['about that thing', 'fine'],
            'underscore' => ['set foo_bar now', 'ok'],
            'short' => ['AI settings', 'go to x'],
            'accent_e' => ["e\u{0301}te ici", 'bien'],
            'cafe' => ['café au lait', 'ok'],
            'code' => ['Booking QX-7 confirmed', 'ok'],
            'code2' => ['qx 75 pending', 'no'],
            'digit' => ['order 7 of 9', 'x'],
            'accent_short' => ['Ça va', 'bien'],
            'mixed' => ['Grüße from the Café', 'fine'],
        ];
        global $wpdb;
        foreach ($rows as $key => [$m, $r]) {
            $this->ids[$key] = $this->writeLog(['conversation_id' => $key, 'user_message' => $m, 'reply' => $r]);
        }
        // Sanity: committed and visible to the index.
        $this->assertSame(count($rows), (int) $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::logs()));
    }

    /** @dataProvider searches */
    public function testIndexAndScanSelectTheSameRows(string $search, array $expected): void
    {
        $f = Filters::from_request(['search' => $search]);
        $this->assertInstanceOf(Filters::class, $f, is_wp_error($f) ? $f->get_error_message() : '');
        $scan = $this->keys($f, 'scan');
        $index = $this->keys($f, 'index');
        sort($expected);
        $this->assertSame($expected, $scan, "scan path: $search");
        $this->assertSame($expected, $index, "FULLTEXT path: $search");
    }

    public function searches(): array
    {
        return [
            'unaccented finds accented (é = e)' => ['resume', ['resume', 'resume_acc']],
            'accented finds unaccented' => ['résumé', ['resume', 'resume_acc']],
            'word start only, not mid-word' => ['sume', []],
            'ß = ss, typed as ss' => ['strasse', ['strasse', 'strasse_sz']],
            'ß = ss, typed as ß' => ['straße', ['strasse', 'strasse_sz']],
            'ß inside a prefix' => ['fuss', ['fussball']],
            'ligature Œ = oe' => ['oeuvre', ['oeuvre']],
            'combining accent' => ['ete', ['accent_e']],
            'café typed plain' => ['cafe', ['cafe', 'mixed']],
            'ß = ss in a text that also has plain accents' => ['grusse', ['mixed']],
            'ß typed, text with ß' => ['grüße', ['mixed']],
            'accent in the term, no expansion in the text' => ['CAFÉ', ['cafe', 'mixed']],
            'Cyrillic prefix, any case' => ['ПРИВЕТ', ['cyr_lower', 'cyr_upper']],
            'Cyrillic mid-word does not match' => ['ривет', []],
            'Cyrillic reply' => ['москва', ['cyr_lower']],
            'CJK run from its start' => ['日本語', ['cjk']],
            'CJK inside a run is not a word start' => ['テキスト', []],
            'CJK short run (LIKE anywhere)' => ['テスト', ['cjk']],
            'emoji is a separator' => ['pizza', ['emoji']],
            'emoji alone is literal text' => ['🍕', ['emoji', 'emoji_mid']],
            'quoted phrase = words' => ['"hello world"', ['quote']],
            'unbalanced quote' => ['"hello', ['quote']],
            'apostrophe splits words' => ["don't", ['quote']],
            'boolean operators are text' => ['+invoice -billing', ['ops']],
            'operator soup' => ['~maybe* <>()@', ['ops']],
            'stopword beginning goes to LIKE' => ['abou', ['about']],
            'underscore joins a word' => ['foo_bar', ['underscore']],
            'underscore word prefix' => ['foo', ['underscore']],
            'short word is a whole word ("lait" is not "ai")' => ['ai', ['short']],
            'booking code: both short words, whole' => ['QX-7', ['code']],
            'booking code typed lower with a space' => ['qx 7', ['code']],
            'short code prefix alone' => ['QX', ['code', 'code2']],
            'a digit is a whole word (not 75)' => ['7', ['code', 'digit']],
            'short word with accent (ç = c)' => ['ca', ['accent_short']],
            'short word + long word' => ['qx confirmed', ['code']],
            'short word matching nothing' => ['zq', []],
            'short + long word' => ['ai sett', ['short']],
            'two words, both required' => ['prêt merci', ['resume_acc']],
            'no match' => ['kangaroo', []],
        ];
    }

    /** The TermIndex (what the short-word search uses) against the text itself, word by word. */
    public function testTheTermIndexAgreesWithTheTextForEveryShortWord(): void
    {
        global $wpdb;
        $l = Tables::logs();
        $words = ['ai', 'qx', '7', '75', '9', 'ca', 'ça', 'x', 'go', 'nr', '5', 'ja', 'zz', 'au', 'é', 'e', 'ok', 'no', 'va'];
        foreach ($words as $w) {
            $viaIndex = array_map('intval', $wpdb->get_col("SELECT l.id FROM {$l} l WHERE 1=1" . \AipkitUsage\Logs\TermIndex::condition($w) . ' ORDER BY l.id'));
            $viaText = array_map('intval', $wpdb->get_col("SELECT l.id FROM {$l} l WHERE 1=1" . \AipkitUsage\Logs\WordMatch::condition($w, true) . ' ORDER BY l.id'));
            $this->assertSame('', $wpdb->last_error);
            $this->assertSame($viaText, $viaIndex, "short word {$w}: index and text disagree");
        }
        // And it is not vacuous: these words are really there.
        $this->assertCount(2, $wpdb->get_col("SELECT l.id FROM {$l} l WHERE 1=1" . \AipkitUsage\Logs\TermIndex::condition('7')));
        $this->assertSame(5, (int) $wpdb->get_var("SELECT COUNT(*) FROM {$l} l WHERE 1=1" . \AipkitUsage\Logs\TermIndex::condition('ok')));
    }

    /** Deleting rows removes their index entries; nothing is left pointing at a gone exchange. */
    public function testDeletedRowsLeaveNoIndexEntries(): void
    {
        global $wpdb;
        $f = Filters::from_request(['search' => 'qx']);
        $this->assertSame(2, \AipkitUsage\Logs\LogDeleter::count($f)['exchanges']);
        $c = \AipkitUsage\Logs\LogDeleter::count($f);
        $r = \AipkitUsage\Logs\LogDeleter::batch($f, $c['max_id'], 0);
        $this->assertSame(2, $r['deleted']);
        $orphans = (int) $wpdb->get_var('SELECT COUNT(*) FROM ' . Tables::terms() . ' t LEFT JOIN ' . Tables::logs() . ' l ON l.id = t.log_id WHERE l.id IS NULL');
        $this->assertSame(0, $orphans);
        $this->assertSame(0, (int) $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . Tables::terms() . ' WHERE term = %s', 'qx')));
    }

    private function keys(Filters $f, string $path): array
    {
        global $wpdb;
        $ids = array_map('intval', $wpdb->get_col('SELECT l.id FROM ' . Tables::logs() . ' l WHERE 1=1' . LogQuery::log_where($f, $path)));
        $this->assertSame('', $wpdb->last_error, "$path SQL");
        $keys = array_map(fn($id) => array_search($id, $this->ids, true), $ids);
        sort($keys);
        return $keys;
    }
}
