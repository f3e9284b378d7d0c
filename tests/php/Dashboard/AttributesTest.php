<?php
namespace AipkitUsage\Tests\Dashboard;

use AipkitUsage\Dashboard\Attributes;
use AipkitUsage\Tests\TestCase;

/** The nine attributes of [aipkit_token_usage]: the seed's defaults, every boolean spelling, unknown ones ignored. */
final class AttributesTest extends TestCase
{
    public function testDefaultsAreTheSeedTable(): void
    {
        $this->assertSame([
            'chatbot' => true,
            'aiforms' => true,
            'imagegenerator' => true,
            'title' => 'Credits & Usage',
            'intro' => 'View your credits, purchases, and quotas.',
            'buycredits' => true,
            'buycreditslabel' => 'Buy credits',
            'buycreditsurl' => '',
            'purchasehistory' => true,
        ], Attributes::parse(''));
        $this->assertSame(Attributes::parse(''), Attributes::parse([]));
    }

    public function booleanSpellings(): array
    {
        $out = [];
        foreach (Attributes::BOOLEANS as $attr) {
            foreach (['false' => false, '0' => false, 'no' => false, 'NO' => false, 'False' => false, 'true' => true, '1' => true, 'yes' => true, 'YES' => true] as $spelling => $value) {
                $out["$attr=$spelling"] = [$attr, (string) $spelling, $value];
            }
        }
        return $out;
    }

    /** @dataProvider booleanSpellings */
    public function testEveryBooleanSpelling(string $attr, string $spelling, bool $expected): void
    {
        // Start from the opposite of the expected value where possible, so a parser that ignores the value fails.
        $parsed = Attributes::parse([$attr => $spelling]);
        $this->assertSame($expected, $parsed[$attr]);
        foreach (Attributes::BOOLEANS as $other) {
            if ($other !== $attr) {
                $this->assertTrue($parsed[$other], "$other keeps its default");
            }
        }
    }

    public function testUnrecognisedBooleanKeepsTheDefault(): void
    {
        foreach (['maybe', '', '2', 'off'] as $v) {
            $this->assertTrue(Attributes::parse(['chatbot' => $v])['chatbot'], "chatbot=\"$v\"");
        }
    }

    public function testTextAttributesUnknownAttributesAndUnsafeUrls(): void
    {
        $a = Attributes::parse([
            'title' => 'My <b>credits</b>',
            'intro' => 'Hello',
            'buycreditslabel' => 'Top up',
            'buycreditsurl' => 'https://shop.example/credits?x=1',
            'colour' => 'red',
            0 => 'positional',
        ]);
        $this->assertSame('My credits', $a['title']);
        $this->assertSame('Hello', $a['intro']);
        $this->assertSame('Top up', $a['buycreditslabel']);
        $this->assertSame('https://shop.example/credits?x=1', $a['buycreditsurl']);
        $this->assertArrayNotHasKey('colour', $a);
        $this->assertArrayNotHasKey(0, $a);
        $this->assertSame('', Attributes::parse(['buycreditsurl' => 'javascript:alert(1)'])['buycreditsurl']);
        $this->assertSame(home_url('/shop/'), Attributes::parse(['buycreditsurl' => '/shop/'])['buycreditsurl']);
    }

    public function testShortcodeAttributesHideSections(): void
    {
        $uid = $this->createUser('subscriber');
        $this->actAs($uid);
        update_option('aipkit_usage_settings', ['buy_credits_url' => 'https://shop.example/buy'] + get_option('aipkit_usage_settings', []));

        $all = do_shortcode('[aipkit_token_usage]');
        $this->assertStringContainsString('<h2 class="aipkit-dashboard__title"', $all);
        $this->assertStringContainsString('Credits &amp; Usage', $all);
        $this->assertStringContainsString('aipkit-dashboard__quotas', $all);
        $this->assertStringContainsString('aipkit-dashboard__purchases', $all);
        $this->assertStringContainsString('href="https://shop.example/buy"', $all);
        foreach (['chatbot', 'ai_forms', 'image_generator'] as $scope) {
            $this->assertStringContainsString('data-scope="' . $scope . '"', $all);
        }

        $some = do_shortcode('[aipkit_token_usage chatbot="no" imagegenerator=0 purchasehistory="false" buycredits="NO" title="Mine" intro="Hi there" colour="red"]');
        $this->assertStringContainsString('>Mine</h2>', $some);
        $this->assertStringContainsString('Hi there', $some);
        $this->assertStringNotContainsString('data-scope="chatbot"', $some);
        $this->assertStringNotContainsString('data-scope="image_generator"', $some);
        $this->assertStringContainsString('data-scope="ai_forms"', $some);
        $this->assertStringNotContainsString('aipkit-dashboard__purchases', $some);
        $this->assertStringNotContainsString('shop.example/buy', $some);

        $none = do_shortcode('[aipkit_token_usage chatbot=false aiforms=0 imagegenerator=no buycreditslabel="Get more" buycreditsurl="https://other.example/"]');
        $this->assertStringNotContainsString('aipkit-dashboard__quotas', $none);
        $this->assertStringNotContainsString('aipkit-dashboard__usage', $none);
        $this->assertStringContainsString('href="https://other.example/">Get more</a>', $none);
    }
}
