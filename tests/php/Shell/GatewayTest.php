<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Core\Gateway;
use AipkitUsage\Tests\TestCase;

/** The Gateway's site-time helpers and error mapping, through the real native core. */
final class GatewayTest extends TestCase
{
    public function testFixedOffsetZoneHasOneOffset(): void
    {
        update_option('timezone_string', '');
        update_option('gmt_offset', 2);
        $this->assertSame([['from' => null, 'offset' => 7200]], Gateway::utc_offsets(1764028800));
    }

    public function testDstZoneListsTheTransitionsAroundNow(): void
    {
        update_option('timezone_string', 'Europe/Berlin');
        $now = gmmktime(23, 30, 0, 11, 25, 2026); // 00:30 on 26 Nov in Berlin (UTC+1)
        $offsets = Gateway::utc_offsets($now);
        // Summer time ended on 25 Oct 2026 at 01:00 UTC, within the 40 days before now.
        $this->assertSame(['from' => null, 'offset' => 7200], $offsets[0]);
        $this->assertSame(['from' => gmmktime(1, 0, 0, 10, 25, 2026), 'offset' => 3600], $offsets[1]);
        $this->assertCount(2, $offsets, 'no other change until early January');

        $daily = Gateway::instance()->period(['period' => 'daily', 'now' => $now]);
        $this->assertSame('2026-11-26', $daily['key'], 'the local date, not the UTC one');
        $this->assertSame(gmmktime(23, 0, 0, 11, 25, 2026), $daily['starts_at']);

        update_option('start_of_week', 0);
        $weekly = Gateway::instance()->period(['period' => 'weekly', 'now' => $now]);
        $this->assertSame('W2026-11-22', $weekly['key'], 'weeks start on Sunday as the site says');
        $this->assertSame(0, Gateway::start_of_week());
    }

    public function testErrorsMapToWpErrorsWithStatusAndField(): void
    {
        $bad = Gateway::instance()->admit(['estimate' => 'abc', 'balance_available' => '1', 'quota_remaining' => null, 'order' => 'balance_first']);
        $this->assertInstanceOf(\WP_Error::class, $bad);
        $this->assertSame('aipkit_invalid_amount', $bad->get_error_code());
        $this->assertSame(400, $bad->get_error_data()['status']);
        $this->assertSame('estimate', $bad->get_error_data()['field']);

        $e = Gateway::to_wp_error('internal_error', 'panic caught');
        $this->assertSame(500, $e->get_error_data()['status']);
        $this->assertSame(409, Gateway::to_wp_error('stale_balance', 'x')->get_error_data()['status']);
    }
}
