<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\Retention;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

final class RetentionTest extends TestCase
{
    use LogFixtures;

    protected function tearDown(): void
    {
        wp_clear_scheduled_hook(Retention::HOOK);
        wp_clear_scheduled_hook(Retention::HOOK, ['resume']);
        parent::tearDown();
    }

    /** @dataProvider zones */
    public function testOnlyRowsStrictlyOlderThanTheCutoffGoInAnySiteTimeZone(string $zone): void
    {
        update_option('timezone_string', $zone);
        $now = gmmktime(3, 30, 0, 3, 29, 2026); // a DST change night in Europe
        $cutoff = $now - 30 * DAY_IN_SECONDS;
        $older = $this->writeLog(['created_at' => $cutoff - 1, 'conversation_id' => 'c']);
        $at = $this->writeLog(['created_at' => $cutoff, 'conversation_id' => 'c']);
        $newer = $this->writeLog(['created_at' => $cutoff + 1, 'conversation_id' => 'c']);
        $ancient = $this->writeLog(['created_at' => $cutoff - 400 * DAY_IN_SECONDS, 'conversation_id' => 'd']);

        Retention::save(true, 30);
        $r = Retention::run($now);
        $this->assertSame(['removed' => 2, 'finished' => true, 'cutoff' => $cutoff], $r);
        $this->assertSame([$at, $newer], $this->ids());
        $this->assertSummariesConsistent();
        $this->assertSame(1, $this->countConversations());
        $status = Retention::status();
        $this->assertSame(gmdate('Y-m-d\TH:i:s\Z', $now), $status['last_run']);
        $this->assertSame(2, $status['removed']);
        $this->assertTrue($status['finished']);
    }

    public function zones(): array
    {
        return [['Europe/Berlin'], ['America/St_Johns'], ['Asia/Kathmandu'], ['UTC']];
    }

    public function testDisabledRetentionDeletesNothing(): void
    {
        $this->writeLog(['created_at' => time() - 900 * DAY_IN_SECONDS]);
        Retention::save(false, 7);
        $this->assertSame(0, Retention::run()['removed']);
        $this->assertSame(1, $this->countLogs());
        $this->assertFalse(wp_next_scheduled(Retention::HOOK));
    }

    public function testEnablingSchedulesTheDailyEventAndDisablingClearsIt(): void
    {
        Retention::save(true, 14);
        $this->assertNotFalse(wp_next_scheduled(Retention::HOOK));
        $this->assertSame('daily', wp_get_schedule(Retention::HOOK));
        Retention::save(false, 14);
        $this->assertFalse(wp_next_scheduled(Retention::HOOK));
    }

    public function testOutOfTimeItStopsBetweenBatchesAndResumesLater(): void
    {
        global $wpdb;
        $this->writeLog(['conversation_id' => 'old', 'created_at' => time() - 100 * DAY_IN_SECONDS]);
        $conv = (int) $wpdb->get_var('SELECT id FROM ' . Tables::conversations());
        $vals = [];
        for ($i = 0; $i < 2500; $i++) {
            $vals[] = $wpdb->prepare("(%d, %s, 'chatbot', 'support', 0, '', 'p', 'm', 'chat', 1, 1, '0.1', 'x', 'y', '{}', '[]', 'ok')",
                $conv, gmdate('Y-m-d H:i:s', time() - 100 * DAY_IN_SECONDS + $i));
        }
        $wpdb->query('INSERT INTO ' . Tables::logs() . ' (conversation_id, created_at, module, bot_id, user_id, guest_key, provider, model,
            usage_type, input_tokens, output_tokens, credits, user_message, reply, metadata, vector_context, status) VALUES ' . implode(',', $vals));
        Retention::save(true, 30);

        $r = Retention::run(null, 0.000001); // budget spent after the first batch
        $this->assertSame(1000, $r['removed']);
        $this->assertFalse($r['finished']);
        $this->assertNotFalse(wp_next_scheduled(Retention::HOOK, ['resume']));
        $this->assertFalse(Retention::status()['finished']);

        $r = Retention::run();
        $this->assertSame(1501, $r['removed']);
        $this->assertTrue($r['finished']);
        $this->assertSame(2501, Retention::status()['removed'], 'the resumed run adds to the run it continues');
        $this->assertSame(0, $this->countLogs());
        $this->assertSame(0, $this->countConversations());
    }

    public function testTheCronHookRunsThePurge(): void
    {
        $old = $this->writeLog(['created_at' => time() - 20 * DAY_IN_SECONDS, 'conversation_id' => 'o']);
        $new = $this->writeLog(['created_at' => time() - 5 * DAY_IN_SECONDS, 'conversation_id' => 'n']);
        Retention::save(true, 14);
        do_action(Retention::HOOK); // what WP-Cron fires daily
        $this->assertSame([$new], $this->ids());
        $this->assertSame(1, Retention::status()['removed']);
        $this->assertNotContains($old, $this->ids());
        do_action(Retention::HOOK, 'resume'); // the resume event passes an argument
        $this->assertSame([$new], $this->ids());
    }

    public function testRetentionNeverTouchesTheLedger(): void
    {
        global $wpdb;
        $ledger = $wpdb->prefix . 'aipkit_ledger';
        $cols = $wpdb->get_col("SHOW COLUMNS FROM $ledger");
        $this->assertContains('created_at', $cols);
        $before = (int) $wpdb->get_var("SELECT COUNT(*) FROM $ledger");
        $this->writeLog(['created_at' => time() - 400 * DAY_IN_SECONDS]);
        Retention::save(true, 7);
        Retention::run();
        $this->assertSame($before, (int) $wpdb->get_var("SELECT COUNT(*) FROM $ledger"));
    }

    public function testRestSettingsNeedManageSettingsAndValidDays(): void
    {
        $this->actAs($this->createUser('editor'));
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/logs/retention')->get_status());
        $r = $this->rest('POST', '/aipkit/v1/logs/retention', ['enabled' => true, 'days' => 30], $this->restNonce());
        $this->assertSame('rest_forbidden', $this->restData($r)['code']);
        $this->assertFalse(Retention::settings()['enabled']);
        $this->admin();
        foreach ([0, 3651, 'abc', -5] as $bad) {
            $r = $this->rest('POST', '/aipkit/v1/logs/retention', ['enabled' => true, 'days' => $bad], $this->restNonce());
            $this->assertSame(400, $r->get_status(), "days=$bad");
        }
        $this->assertFalse(Retention::settings()['enabled']);
        $r = $this->rest('POST', '/aipkit/v1/logs/retention', ['enabled' => true, 'days' => 45], 'forged');
        $this->assertSame(403, $r->get_status());
        $r = $this->restData($this->rest('POST', '/aipkit/v1/logs/retention', ['enabled' => true, 'days' => 45], $this->restNonce()));
        $this->assertSame(['enabled' => true, 'days' => 45], $r['settings']);
        $this->assertSame([7, 14, 30, 60, 90, 180, 365], $r['presets']);
        $this->assertNull($r['status']['last_run']);
    }

    private function ids(): array
    {
        global $wpdb;
        return array_map('intval', $wpdb->get_col('SELECT id FROM ' . Tables::logs() . ' ORDER BY id'));
    }
}
