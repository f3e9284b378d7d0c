<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Billing\Balances;
use AipkitUsage\Logs\Privacy;
use AipkitUsage\Tests\TestCase;

/** Issue 8.9: the eraser says what it keeps (the ledger), and the export includes the ledger. */
final class PrivacyLedgerTest extends TestCase
{
    use LogFixtures;

    public function testTheEraserReportsTheKeptLedgerEntries(): void
    {
        $uid = $this->createUser('subscriber', ['user_email' => 'led@example.com']);
        $this->writeLog(['user_id' => $uid, 'guest_key' => '', 'conversation_id' => 'l1', 'user_message' => 'hello']);
        $r = Balances::credit($uid, '10', 'purchase', 'purchase:privacy-test:1', ['note' => 'Order for Led Zed']);
        $this->assertIsArray($r, is_wp_error($r) ? $r->get_error_message() : '');

        $er = Privacy::erase('led@example.com', 1);
        $this->assertTrue($er['done']);
        $this->assertTrue($er['items_removed']);
        $this->assertTrue($er['items_retained'], 'ledger entries (with their notes) are kept, so items_retained must say so');
        $this->assertCount(1, $er['messages']);
        $this->assertStringContainsString('1 credit ledger entry', $er['messages'][0]);
        $this->assertSame(0, $this->countLogs());
    }

    public function testNothingRetainedWhenTheUserHasNoLedger(): void
    {
        $uid = $this->createUser('subscriber', ['user_email' => 'noled@example.com']);
        $this->writeLog(['user_id' => $uid, 'guest_key' => '', 'conversation_id' => 'n1']);
        $er = Privacy::erase('noled@example.com', 1);
        $this->assertTrue($er['items_removed']);
        $this->assertFalse($er['items_retained']);
        $this->assertSame([], $er['messages']);
    }

    public function testTheExportIncludesTheUsersLedgerAndBalanceOnly(): void
    {
        $uid = $this->createUser('subscriber', ['user_email' => 'exp@example.com']);
        $other = $this->createUser('subscriber', ['user_email' => 'other@example.com']);
        Balances::credit($uid, '10', 'purchase', 'purchase:privacy-test:2', ['note' => 'first order']);
        Balances::credit($uid, '-2.5', 'purchase_reversal', 'purchase_reversal:privacy-test:2', ['note' => 'refund']);
        Balances::credit($other, '7', 'purchase', 'purchase:privacy-test:3');

        $exporters = apply_filters('wp_privacy_personal_data_exporters', []);
        $this->assertArrayHasKey('aipkit-usage-ledger', $exporters);
        $this->assertSame('AI Puffer credits ledger', $exporters['aipkit-usage-ledger']['exporter_friendly_name']);
        $out = call_user_func($exporters['aipkit-usage-ledger']['callback'], 'exp@example.com', 1);
        $this->assertTrue($out['done']);
        $items = array_column($out['data'], 'data', 'item_id');
        $this->assertArrayHasKey('aipkit-balance-' . $uid, $items);
        $this->assertSame('7.500000', array_column($items['aipkit-balance-' . $uid], 'value', 'name')['Credit balance']);
        $entries = array_values(array_filter($out['data'], fn($d) => str_starts_with($d['item_id'], 'aipkit-ledger-')));
        $this->assertCount(2, $entries);
        $first = array_column($entries[0]['data'], 'value', 'name');
        $this->assertSame('10.000000', $first['Credits']);
        $this->assertSame('first order', $first['Note']);
        $this->assertSame('-2.500000', array_column($entries[1]['data'], 'value', 'name')['Credits']);
    }

    public function testBothExportersPageByAHundredInTheirOwnShape(): void
    {
        $uid = $this->createUser('subscriber', ['user_email' => 'pages@example.com']);
        for ($i = 1; $i <= 101; $i++) {
            $this->writeLog(['user_id' => $uid, 'guest_key' => '', 'conversation_id' => 'p' . $i, 'user_message' => 'm' . $i]);
            Balances::credit($uid, '1', 'purchase', 'purchase:privacy-pages:' . $i);
        }
        foreach (['aipkit-usage-logs' => 100, 'aipkit-usage-ledger' => 101] as $exporter => $first_page) {
            $cb = apply_filters('wp_privacy_personal_data_exporters', [])[$exporter]['callback'];
            $one = call_user_func($cb, 'pages@example.com', 1);
            $two = call_user_func($cb, 'pages@example.com', 2);
            $this->assertSame([$first_page, false], [count($one['data']), $one['done']], "{$exporter} page 1 (the ledger adds the balance)");
            $this->assertSame([1, true], [count($two['data']), $two['done']], "{$exporter} page 2");
        }
        // A log item keeps every column (empty ones included), in order; a ledger item leaves empty ones out, dates in UTC ISO 8601.
        $log = Privacy::export('pages@example.com', 2)['data'][0];
        $this->assertSame(['aipkit-usage-logs', 'AI Puffer logs'], [$log['group_id'], $log['group_label']]);
        $this->assertSame(['aipkit-usage-ledger', 'AI Puffer credits ledger'], [$two['data'][0]['group_id'], $two['data'][0]['group_label']]);
        $this->assertSame('m101', array_column($log['data'], 'value', 'name')['Message']);
        $this->assertSame(['Date (UTC)', 'Module', 'Bot', 'Provider', 'Model', 'Message', 'Reply', 'Credits'], array_column($log['data'], 'name'));
        $entry = array_column($two['data'][0]['data'], 'value', 'name');
        $this->assertSame('101.000000', $entry['Balance after']);
        $this->assertArrayNotHasKey('Order', $entry);
        $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $entry['Date (UTC)']);
    }
}
