<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationReader;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\Billing\BillingFixtures;
use AipkitUsage\Tests\TestCase;

/**
 * Issue 8.8 through the public API: settle writes the exchange with the hold's own user or guest,
 * so a guest replaying alice's conversation id gets a conversation of its own.
 */
final class MeteredConversationTest extends TestCase
{
    use BillingFixtures;

    public function testAGuestSettlingWithAlicesConversationIdDoesNotJoinHerConversation(): void
    {
        $this->rule(['usage_type' => 'chat', 'method' => 'flat', 'unit_rate' => '1']);
        $this->quota(['guest_limit' => '10', 'user_limit' => '10']);
        $alice = $this->createUser('subscriber', ['display_name' => 'Alice']);
        $log = fn(string $text) => ['conversation_id' => 'seed-conv-alice', 'user_message' => $text, 'reply' => 'ok'];

        $mine = aipkit_usage_settle(aipkit_usage_authorize($this->request($alice)), ['input_tokens' => 10, 'output_tokens' => 5], $log('alice asks'));
        $this->assertIsArray($mine, is_wp_error($mine) ? $mine->get_error_message() : '');

        $_SERVER['REMOTE_ADDR'] = '198.51.100.23';
        unset($_COOKIE['aipkit_guest']);
        $hold = aipkit_usage_authorize($this->request(0));
        $this->assertIsArray($hold, is_wp_error($hold) ? $hold->get_error_message() : '');
        $theirs = aipkit_usage_settle($hold, ['input_tokens' => 10, 'output_tokens' => 5], $log('guest pretends'));
        $this->assertIsArray($theirs);

        global $wpdb;
        $l = Tables::logs();
        $rows = $wpdb->get_results("SELECT id, conversation_id, user_id, guest_key FROM {$l} WHERE id IN (" . (int) $mine['log_id'] . ',' . (int) $theirs['log_id'] . ') ORDER BY id', ARRAY_A);
        $this->assertCount(2, $rows);
        $this->assertNotSame($rows[0]['conversation_id'], $rows[1]['conversation_id'], 'the guest started its own conversation');
        $this->assertSame($hold['guest_key'], $rows[1]['guest_key']);

        $aliceConv = ConversationReader::read((int) $rows[0]['conversation_id']);
        $this->assertSame($alice, $aliceConv['conversation']['user_id']);
        $this->assertSame(['alice asks'], array_column($aliceConv['exchanges'], 'user_message'));
        $guestConv = ConversationReader::read((int) $rows[1]['conversation_id']);
        $this->assertSame(0, $guestConv['conversation']['user_id']);
        $this->assertSame($hold['guest_key'], $guestConv['exchanges'][0]['guest_key']);
    }
}
