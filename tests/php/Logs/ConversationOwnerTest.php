<?php
namespace AipkitUsage\Tests\Logs;

use AipkitUsage\Logs\ConversationReader;
use AipkitUsage\Logs\LogWriter;
use AipkitUsage\Logs\OwnerKeyMigration;
use AipkitUsage\Logs\Privacy;
use AipkitUsage\Logs\Tables;
use AipkitUsage\Tests\TestCase;

/** Issue 8.8: a conversation belongs to its owner (user or guest), not only to its id. */
final class ConversationOwnerTest extends TestCase
{
    use LogFixtures;

    private function conversationOf(int $logId): array
    {
        global $wpdb;
        return $wpdb->get_row('SELECT c.* FROM ' . Tables::conversations() . ' c JOIN ' . Tables::logs()
            . " l ON l.conversation_id = c.id WHERE l.id = {$logId}", ARRAY_A);
    }

    public function testAGuestSendingAlicesConversationIdStartsItsOwnConversation(): void
    {
        $alice = $this->createUser('subscriber', ['user_email' => 'alice@example.com']);
        $mine = $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'seed-conv-alice',
            'user_message' => 'alice private question']);
        $theirs = $this->writeLog(['user_id' => 0, 'guest_key' => 'intruder1', 'conversation_id' => 'seed-conv-alice',
            'user_message' => 'guest pretending']);

        $a = $this->conversationOf($mine);
        $g = $this->conversationOf($theirs);
        $this->assertNotSame($a['id'], $g['id'], 'the guest must not append to alice\'s conversation');
        $this->assertSame('1', $a['exchanges']);
        $this->assertSame((string) $alice, $a['user_id']);
        $this->assertSame('0', $g['user_id']);
        $this->assertSame('intruder1', $g['guest_key']);
        $this->assertSame('alice private question', $a['last_preview']);

        $read = ConversationReader::read((int) $a['id']);
        $this->assertSame(['alice private question'], array_column($read['exchanges'], 'user_message'));
        $this->assertSummariesConsistent();
    }

    public function testALoggedInUserCannotTakeOverAGuestConversation(): void
    {
        $bob = $this->createUser('subscriber');
        $guest = $this->writeLog(['user_id' => 0, 'guest_key' => 'guestabc', 'conversation_id' => 'shared-id']);
        $user = $this->writeLog(['user_id' => $bob, 'guest_key' => '', 'conversation_id' => 'shared-id']);
        $g = $this->conversationOf($guest);
        $u = $this->conversationOf($user);
        $this->assertNotSame($g['id'], $u['id']);
        $this->assertSame('0', $g['user_id'], 'the guest conversation still shows the guest');
        $this->assertSame('1', $g['exchanges']);
        $this->assertSame((string) $bob, $u['user_id']);

        // The same guest continues its own conversation; another guest gets a new one.
        $again = $this->writeLog(['user_id' => 0, 'guest_key' => 'guestabc', 'conversation_id' => 'shared-id']);
        $this->assertSame($g['id'], $this->conversationOf($again)['id']);
        $other = $this->writeLog(['user_id' => 0, 'guest_key' => 'guestxyz', 'conversation_id' => 'shared-id']);
        $this->assertNotSame($g['id'], $this->conversationOf($other)['id']);
        $this->assertSame(3, $this->countConversations());
        $this->assertSummariesConsistent();
    }

    public function testEachExchangeShowsItsOwnUser(): void
    {
        $alice = $this->createUser('subscriber', ['display_name' => 'Alice A']);
        $id = $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'own']);
        $conv = $this->conversationOf($id);
        $ex = ConversationReader::read((int) $conv['id'])['exchanges'][0];
        $this->assertSame($alice, $ex['user_id']);
        $this->assertSame('Alice A', $ex['user_name']);
    }

    public function testErasingAliceRemovesHerConversationsWholly(): void
    {
        $alice = $this->createUser('subscriber', ['user_email' => 'alice2@example.com']);
        $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'seed-conv-alice', 'user_message' => 'mine 1']);
        $this->writeLog(['user_id' => 0, 'guest_key' => 'intruder2', 'conversation_id' => 'seed-conv-alice', 'user_message' => 'guest text']);
        $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'seed-conv-alice', 'user_message' => 'mine 2']);

        $er = Privacy::erase('alice2@example.com', 1);
        $this->assertTrue($er['items_removed']);
        global $wpdb;
        $left = $wpdb->get_col('SELECT user_message FROM ' . Tables::logs());
        $this->assertSame(['guest text'], $left);
        $this->assertSame(0, (int) $wpdb->get_var($wpdb->prepare('SELECT COUNT(*) FROM ' . Tables::conversations() . ' WHERE user_id = %d', $alice)));
        $this->assertSame(1, $this->countConversations());
        $this->assertSummariesConsistent();
    }

    public function testKeysOfLongIdsStayWithinTheColumnAndApart(): void
    {
        $long = str_repeat('k', 185);
        $a = $this->writeLog(['user_id' => 0, 'guest_key' => 'g1', 'conversation_id' => $long]);
        $b = $this->writeLog(['user_id' => 0, 'guest_key' => 'g2', 'conversation_id' => $long]);
        $c = $this->writeLog(['user_id' => 0, 'guest_key' => 'g1', 'conversation_id' => $long]);
        $this->assertNotSame($this->conversationOf($a)['id'], $this->conversationOf($b)['id']);
        $this->assertSame($this->conversationOf($a)['id'], $this->conversationOf($c)['id']);
        $this->assertLessThanOrEqual(191, strlen($this->conversationOf($a)['conversation_key']));
    }

    /** Data written with the old module-level keys is split by owner and re-keyed as LogWriter keys it. */
    public function testTheUpgradeSplitsMixedConversationsAndReKeysTheRest(): void
    {
        global $wpdb;
        $alice = $this->createUser('subscriber');
        $bob = $this->createUser('subscriber');
        // Written with today's writer, then turned into yesterday's shape: one summary, several owners.
        $a1 = $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'old', 'user_message' => 'a1', 'created_at' => time() - 300]);
        $g1 = $this->writeLog(['user_id' => 0, 'guest_key' => 'gq', 'conversation_id' => 'old', 'user_message' => 'g1', 'created_at' => time() - 200]);
        $a2 = $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'old', 'user_message' => 'a2', 'created_at' => time() - 100]);
        $solo = $this->writeLog(['user_id' => $bob, 'guest_key' => '', 'conversation_id' => str_repeat('z', 175), 'user_message' => 'solo']);
        $c = Tables::conversations();
        $l = Tables::logs();
        $keep = (int) $this->conversationOf($a1)['id'];
        $wpdb->query("UPDATE {$l} SET conversation_id = {$keep} WHERE id IN ({$g1}, {$a2})");
        $wpdb->query("DELETE FROM {$c} WHERE id <> {$keep} AND id <> " . (int) $this->conversationOf($solo)['id']);
        $wpdb->query("UPDATE {$c} SET conversation_key = 'chatbot:support:old', exchanges = 3 WHERE id = {$keep}");
        $longBase = 'chatbot:support:' . str_repeat('z', 175);
        $wpdb->query($wpdb->prepare("UPDATE {$c} SET conversation_key = %s WHERE id = %d", $longBase, $this->conversationOf($solo)['id']));

        OwnerKeyMigration::run();

        $this->assertSame($this->conversationOf($a1)['id'], $this->conversationOf($a2)['id']);
        $this->assertNotSame($this->conversationOf($a1)['id'], $this->conversationOf($g1)['id']);
        $this->assertSame(LogWriter::conversation_key('chatbot', 'support', $alice, '', 'old'), $this->conversationOf($a1)['conversation_key']);
        $this->assertSame(LogWriter::conversation_key('chatbot', 'support', 0, 'gq', 'old'), $this->conversationOf($g1)['conversation_key']);
        $this->assertSame(LogWriter::conversation_key('chatbot', 'support', $bob, '', str_repeat('z', 175)), $this->conversationOf($solo)['conversation_key']);
        $this->assertSame('0', $this->conversationOf($g1)['user_id']);
        $this->assertSame('a2', $this->conversationOf($a1)['last_preview']);
        $this->assertSummariesConsistent();

        // New writes land in the migrated conversations.
        $a3 = $this->writeLog(['user_id' => $alice, 'guest_key' => '', 'conversation_id' => 'old']);
        $this->assertSame($this->conversationOf($a1)['id'], $this->conversationOf($a3)['id']);
    }
}
