<?php
namespace AipkitUsage\Tests\Billing;

use AipkitUsage\Billing\RefusalActions;
use AipkitUsage\Billing\UnruledModels;
use AipkitUsage\Tests\TestCase;

/**
 * The small routes the billing screens lean on: the user picker's search, the "models charged
 * without a rule" list, and the actions a refusal offers (guests: Log in, never Buy credits).
 */
final class ActivityLookupsTest extends TestCase
{
    use BillingFixtures;

    public function testUserSearchMatchesNameEmailAndLoginAndNeedsTheCapability(): void
    {
        $zed = $this->createUser('subscriber', ['display_name' => 'Zedekiah Quill', 'user_email' => 'zq-lookup@example.test']);
        $this->actAs($this->createUser('administrator'));
        foreach (['zedek', 'QUILL', 'zq-lookup@', 'lookup@example'] as $term) {
            $items = $this->restData($this->rest('GET', '/aipkit/v1/users', ['search' => $term]))['items'];
            $this->assertSame([$zed], array_column($items, 'id'), $term);
            $this->assertSame('Zedekiah Quill', $items[0]['name']);
        }
        $byId = $this->restData($this->rest('GET', '/aipkit/v1/users', ['id' => $zed]))['items'];
        $this->assertSame('zq-lookup@example.test', $byId[0]['email']);
        $this->assertLessThanOrEqual(20, count($this->restData($this->rest('GET', '/aipkit/v1/users', []))['items']));

        $this->actAs($this->createUser('subscriber'));
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/users', ['search' => 'zed'])->get_status());
    }

    public function testModelsChargedWithoutARuleAreListedUntilARuleCoversThem(): void
    {
        $this->actAs($this->createUser('administrator'));
        $user = $this->createUser();
        $this->fund($user, '100000');
        foreach (['covered-model', 'raw-model'] as $model) {
            if ('covered-model' === $model) {
                $this->rule(['usage_type' => 'chat', 'provider' => 'lookup', 'model' => $model, 'method' => 'flat', 'unit_rate' => '1']);
            }
            $h = aipkit_usage_authorize($this->request($user, ['provider' => 'lookup', 'model' => $model]));
            $this->assertIsArray($h, is_wp_error($h) ? $h->get_error_message() : '');
            $this->assertIsArray(aipkit_usage_settle($h, ['input_tokens' => 300, 'output_tokens' => 200]));
        }
        UnruledModels::forget();
        $items = $this->restData($this->rest('GET', '/aipkit/v1/pricing/unruled-models'))['items'];
        $models = array_column(array_filter($items, static fn($m) => 'lookup' === $m['provider']), 'model');
        $this->assertSame(['raw-model'], $models);
        $raw = array_values(array_filter($items, static fn($m) => 'raw-model' === $m['model']))[0];
        $this->assertSame('500.000000', $raw['credits'], 'charged its raw units: 300 + 200 tokens');
        $this->assertSame(1, $raw['uses']);

        // A rule for it (cache untouched): gone at once.
        $this->rule(['usage_type' => 'chat', 'provider' => 'lookup', 'model' => 'raw-model', 'method' => 'flat', 'unit_rate' => '1']);
        $items = $this->restData($this->rest('GET', '/aipkit/v1/pricing/unruled-models'))['items'];
        $this->assertSame([], array_column(array_filter($items, static fn($m) => 'lookup' === $m['provider']), 'model'));

        $this->actAs($this->createUser('subscriber'));
        $this->assertSame(403, $this->rest('GET', '/aipkit/v1/pricing/unruled-models')->get_status());
    }

    public function testGuestsAreOfferedLogInAndUsersBuyCredits(): void
    {
        $guest = RefusalActions::build(0, 'http://example.test/chat/');
        $this->assertSame(['log_in'], array_keys($guest));
        $this->assertSame('Log in', $guest['log_in']['label']);
        $this->assertStringContainsString('wp-login.php', $guest['log_in']['url']);
        $this->assertStringContainsString(rawurlencode('http://example.test/chat/'), $guest['log_in']['url']);
        $user = RefusalActions::build($this->createUser());
        $this->assertSame(['buy_credits', 'view_usage'], array_keys($user));
        add_filter('aipkit_usage_refusal_actions', static fn($a, $uid) => $a + ['help' => ['label' => 'Help', 'url' => "http://example.test/help?u=$uid"]], 10, 2);
        $this->assertArrayHasKey('help', RefusalActions::build(0));
    }
}
