<?php
namespace AipkitUsage\Tests\Infra;

use AipkitUsage\Tests\TestCase;

final class ParallelRunnerTest extends TestCase
{
    protected function transactional(): bool
    {
        return false;
    }

    protected function tearDown(): void
    {
        delete_option('aipkit_infra_counter');
        parent::tearDown();
    }

    public function testProcessesRunSeparatelyAndSeeCommittedData(): void
    {
        add_option('aipkit_infra_counter', '0', '', 'no');
        $results = self::runParallel(__DIR__ . '/fixtures/increment-counter.php', 6, [
            'option' => 'aipkit_infra_counter',
            'increments' => 5,
        ]);

        $this->assertSame([0, 1, 2, 3, 4, 5], array_column($results, 'index'));
        $this->assertCount(6, array_unique(array_column($results, 'pid')));
        $this->assertNotContains(getmypid(), array_column($results, 'pid'));
        wp_cache_flush();
        $this->assertSame('30', get_option('aipkit_infra_counter'));
    }

    public function testAFailingProcessFailsTheCall(): void
    {
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessageMatches('/process 0 exited with [1-9].*aipkit_this_function_does_not_exist/s');
        self::runParallel(__DIR__ . '/fixtures/fatal.php', 1);
    }
}
