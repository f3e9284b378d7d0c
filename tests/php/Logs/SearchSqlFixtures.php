<?php
namespace AipkitUsage\Tests\Logs;

/**
 * For the search tests that read which path a page took from the SQL it sent: the statements are
 * recorded through the 'query' filter (hooked by the test's setUp), and each conversation's id is
 * kept by its key as the exchanges are written.
 */
trait SearchSqlFixtures
{
    use LogFixtures;

    /** @var string[] SQL sent while a page was built */
    private array $sql = [];
    /** @var array<string,int> conversation key => conversation id */
    private array $conv = [];

    public function record(string $sql): string
    {
        $this->sql[] = $sql;
        return $sql;
    }

    private function write(string $key, string $module, string $bot, string $message): void
    {
        $this->writeLog(['conversation_id' => $key, 'module' => $module, 'bot_id' => $bot, 'user_message' => $message, 'reply' => 'Thanks']);
        if (!isset($this->conv[$key])) {
            global $wpdb;
            $this->conv[$key] = (int) $wpdb->get_var($wpdb->prepare(
                "SELECT id FROM {$wpdb->prefix}aipkit_conversations WHERE conversation_key = %s",
                "gg1a2b3:{$module}:{$bot}:{$key}"
            ));
        }
    }

    /** The conversation ids of these keys, sorted. */
    private function ids(string ...$keys): array
    {
        $ids = array_map(fn ($k) => $this->conv[$k], $keys);
        sort($ids);
        return $ids;
    }

    /** @return string[] the FULLTEXT statements among those recorded */
    private function fulltextQueries(): array
    {
        return array_values(array_filter($this->sql, static fn ($q) => false !== stripos($q, 'MATCH(')));
    }
}
