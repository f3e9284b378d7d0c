<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Tests\TestCase;

/**
 * Every aipkit/v1 route, including routes other modules add later: for each declared argument, a value
 * of the wrong type, size or shape gets 400 with that argument named, from an administrator (so the
 * refusal is the validation, not the permission check). Routes are enumerated from the live REST server;
 * bad values are derived from each argument's own schema.
 */
final class RestArgsEveryRouteTest extends TestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->actAs($this->createUser('administrator'));
    }

    /** @return list<array{route:string,path:string,method:string,args:array}> */
    private function endpoints(): array
    {
        $out = [];
        foreach (rest_get_server()->get_routes('aipkit/v1') as $route => $handlers) {
            if ($route === '/aipkit/v1') {
                continue;
            }
            preg_match_all('/\(\?P<([^>]+)>/', $route, $m);
            $inPath = $m[1];
            $path = preg_replace('/\(\?P<[^>]+>[^)]*\)/', '1', $route);
            foreach ($handlers as $handler) {
                $args = array_diff_key($handler['args'] ?? [], array_flip($inPath));
                foreach (array_keys(array_filter($handler['methods'])) as $method) {
                    $out[] = ['route' => $route, 'path' => $path, 'method' => $method, 'args' => $args];
                }
            }
        }
        return $out;
    }

    /** Values that break the schema: wrong type first, then size and range limits, then enum. */
    private static function badValues(array $schema): array
    {
        $types = (array) ($schema['type'] ?? []);
        if (!$types) {
            return []; // validated by the callback itself; covered by the route's own tests
        }
        $bad = [];
        // A nested list is no scalar, and its items are no scalars either: wrong for every type we use.
        $bad['nested list'] = [['x' => ['y']]];
        if (count($types) === 1) {
            $type = $types[0];
            if (in_array($type, ['integer', 'number'], true)) {
                $bad['text'] = 'abc';
                if ($type === 'integer') {
                    $bad['fraction'] = 1.5;
                }
            }
            if ($type === 'boolean') {
                $bad['text'] = 'maybe';
            }
            if ($type === 'object') {
                $bad['scalar'] = 'scalar';
            }
            if ($type === 'string') {
                $bad['object'] = ['k' => 'v'];
            }
        }
        if (isset($schema['maxLength'])) {
            $bad['too long'] = str_repeat('7', (int) $schema['maxLength'] + 1);
        }
        // PHP_INT_MAX + 1 is a float equal to PHP_INT_MAX: no integer lies above that maximum.
        if (isset($schema['maximum']) && $schema['maximum'] < PHP_INT_MAX) {
            $bad['above maximum'] = $schema['maximum'] + 1;
        }
        if (isset($schema['minimum'])) {
            $bad['below minimum'] = $schema['minimum'] - 1;
        }
        if (isset($schema['enum'])) {
            $bad['not in enum'] = 'zz-not-an-option';
        }
        return $bad;
    }

    /** A value that satisfies the schema, for required arguments next to the one under test. */
    private static function filler(array $schema): mixed
    {
        if (isset($schema['enum'])) {
            return $schema['enum'][0];
        }
        $type = ((array) ($schema['type'] ?? ['string']))[0];
        return match ($type) {
            'integer', 'number' => max(1, (int) ($schema['minimum'] ?? 1)),
            'boolean' => true,
            'object' => RestArgsTest::samplePreview()['rule'],
            'array' => [],
            default => '1',
        };
    }

    public function testEveryDeclaredArgumentRefusesWrongTypeSizeAndShapeWithTheFieldNamed(): void
    {
        $checked = 0;
        $routesWithArgs = [];
        foreach ($this->endpoints() as $e) {
            foreach ($e['args'] as $field => $schema) {
                foreach (self::badValues($schema) as $what => $value) {
                    $params = [];
                    foreach ($e['args'] as $other => $otherSchema) {
                        if ($other !== $field && !empty($otherSchema['required'])) {
                            $params[$other] = self::filler($otherSchema);
                        }
                    }
                    $params[$field] = $value;
                    $label = "{$e['method']} {$e['route']} {$field} ({$what})";
                    $res = $this->rest($e['method'], $e['path'], $params);
                    $data = $res->get_data();
                    $this->assertSame(400, $res->get_status(), $label . ': ' . wp_json_encode($data));
                    $named = isset($data['data']['params'][$field]) || ($data['data']['field'] ?? null) === $field
                        || str_starts_with((string) ($data['data']['field'] ?? ''), $field . '.');
                    $this->assertTrue($named, "{$label}: the error names the field: " . wp_json_encode($data));
                    $checked++;
                    $routesWithArgs[$e['route']] = true;
                }
            }
        }
        // The shell's own routes are among those checked, so this test cannot pass by finding nothing.
        $this->assertArrayHasKey('/aipkit/v1/settings', $routesWithArgs);
        $this->assertArrayHasKey('/aipkit/v1/preview', $routesWithArgs);
        $this->assertGreaterThan(50, $checked);
    }
}
