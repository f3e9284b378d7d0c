<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\Filters;
use AipkitUsage\Logs\FulltextCleanup;
use AipkitUsage\Logs\LogDeleter;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

/**
 * The FULLTEXT deleted list: the plugin counts deleted rows itself, schedules the cleanup past the
 * threshold, and the cleanup empties InnoDB's list while searches keep finding exactly the rows left.
 * Committed data: FULLTEXT sees committed rows only, and OPTIMIZE TABLE commits.
 */
final class FulltextCleanupTest extends TestCase
{
    use LogFixtures;

    protected function transactional(): bool
    {
        return false;
    }

    protected function setUp(): void
    {
        parent::setUp();
        FulltextCleanup::run(true); // start from an empty list and a zero count
    }

    protected function tearDown(): void
    {
        remove_all_filters('aipkit_usage_logs_ft_cleanup_threshold');
        wp_clear_scheduled_hook(FulltextCleanup::HOOK);
        parent::tearDown();
    }

    private function ftDeleted(): int
    {
        global $wpdb;
        $wpdb->query($wpdb->prepare('SET GLOBAL innodb_ft_aux_table = %s', DB_NAME . '/' . Tables::logs()));
        $n = (int) $wpdb->get_var('SELECT COUNT(*) FROM information_schema.INNODB_FT_DELETED');
        $wpdb->query('SET GLOBAL innodb_ft_aux_table = NULL');
        return $n;
    }

    private function matching(string $word): array
    {
        global $wpdb;
        return array_map('intval', $wpdb->get_col($wpdb->prepare(
            'SELECT id FROM ' . Tables::logs() . ' WHERE MATCH(user_message, reply) AGAINST (%s IN BOOLEAN MODE) ORDER BY id',
            '+' . $word . '*'
        )));
    }

    public function testDeletesAreCountedInTheirTransactionAndTheCleanupIsScheduledPastTheThreshold(): void
    {
        add_filter('aipkit_usage_logs_ft_cleanup_threshold', fn() => 3);
        $ids = [];
        for ($i = 0; $i < 6; $i++) {
            $ids[] = $this->writeLog(['conversation_id' => 'c' . ($i % 2), 'user_message' => "zebrafish number $i"]);
        }
        global $wpdb;
        $rows = $wpdb->get_results('SELECT id, conversation_id FROM ' . Tables::logs() . ' WHERE id IN (' . implode(',', array_slice($ids, 0, 2)) . ')', ARRAY_A);

        // A delete that is rolled back leaves nothing in the list and must not count.
        $wpdb->query('START TRANSACTION');
        $this->assertSame(2, LogDeleter::delete_rows($rows));
        $wpdb->query('ROLLBACK');
        $this->assertSame(0, FulltextCleanup::pending());
        $this->assertFalse(wp_next_scheduled(FulltextCleanup::HOOK));

        $this->assertSame(2, LogDeleter::delete_rows($rows));
        $this->assertSame(2, FulltextCleanup::pending());
        $this->assertFalse(wp_next_scheduled(FulltextCleanup::HOOK), 'below the threshold nothing is scheduled');
        $this->assertSame('none', FulltextCleanup::run()['method'], 'the cron run does nothing below the threshold');

        $f = Filters::from_request(['search' => 'number 2']);
        $r = LogDeleter::batch($f, PHP_INT_MAX, 0);
        $this->assertSame(1, $r['deleted']);
        $this->assertSame(3, FulltextCleanup::pending());
        $this->assertNotFalse(wp_next_scheduled(FulltextCleanup::HOOK), 'past the threshold the cleanup is scheduled');
    }

    public function testTheCleanupEmptiesTheDeletedListAndSearchesFindExactlyTheRowsLeft(): void
    {
        $ids = [];
        for ($i = 0; $i < 30; $i++) {
            $ids[] = $this->writeLog(['conversation_id' => 'c' . ($i % 5), 'user_message' => "zebrafish report $i", 'reply' => ($i % 3 ? 'quagga' : 'okapi') . ' noted']);
        }
        global $wpdb;
        $gone = array_filter($ids, fn($id) => $id % 2 === 0);
        $rows = $wpdb->get_results('SELECT id, conversation_id FROM ' . Tables::logs() . ' WHERE id IN (' . implode(',', $gone) . ')', ARRAY_A);
        $this->assertSame(count($gone), LogDeleter::delete_rows($rows));
        $this->assertSame(count($gone), $this->ftDeleted());
        $this->assertSame(count($gone), FulltextCleanup::pending());
        $before = [$this->matching('zebrafish'), $this->matching('quagga'), $this->matching('okapi')];

        $r = FulltextCleanup::run(true);

        $this->assertSame('optimize', $r['method'], 'the test server lets the plugin optimize the index only');
        $this->assertTrue($r['finished']);
        $this->assertSame(0, $this->ftDeleted(), 'the deleted list is empty');
        $this->assertSame(0, FulltextCleanup::pending());
        $this->assertSame($before, [$this->matching('zebrafish'), $this->matching('quagga'), $this->matching('okapi')]);
        $this->assertSame(array_values(array_diff($ids, $gone)), $this->matching('zebrafish'));
        $this->assertSame('0', (string) $wpdb->get_var('SELECT @@GLOBAL.innodb_optimize_fulltext_only'), 'the server setting is put back');
        $this->assertSame('2000', (string) $wpdb->get_var('SELECT @@GLOBAL.innodb_ft_num_word_optimize'));
        $this->assertSame('optimize', FulltextCleanup::status()['method']);
    }
}
