<?php
namespace AipkitUsage\Tests\Shell;

use AipkitUsage\Tests\TestCase;
use WP_REST_Request;

/**
 * Every route under aipkit/v1, including routes added later by other modules, refuses visitors,
 * subscribers and forged nonces. Routes are enumerated from the live REST server.
 */
final class RestSecurityTest extends TestCase
{
    /** @return array<int,array{route:string,path:string,method:string,handler:array}> */
    private function endpoints(): array
    {
        $out = [];
        foreach (rest_get_server()->get_routes('aipkit/v1') as $route => $handlers) {
            if ($route === '/aipkit/v1') {
                continue; // the namespace index lists routes, it does not act
            }
            // A concrete path for patterns like (?P<id>\d+): one digit satisfies every id pattern we use.
            $path = preg_replace('/\(\?P<[^>]+>[^)]*\)/', '1', $route);
            foreach ($handlers as $handler) {
                foreach (array_keys(array_filter($handler['methods'])) as $method) {
                    $out[] = ['route' => $route, 'path' => $path, 'method' => $method, 'handler' => $handler];
                }
            }
        }
        return $out;
    }

    public function testTheShellRoutesExist(): void
    {
        $routes = array_keys(rest_get_server()->get_routes('aipkit/v1'));
        foreach (['/aipkit/v1/settings', '/aipkit/v1/preview', '/aipkit/v1/health'] as $route) {
            $this->assertContains($route, $routes);
        }
    }

    public function testEveryEndpointHasARealPermissionCheck(): void
    {
        $endpoints = $this->endpoints();
        $this->assertNotEmpty($endpoints);
        $subscriber = $this->createUser('subscriber');
        foreach ($endpoints as $e) {
            $label = $e['method'] . ' ' . $e['route'];
            $cb = $e['handler']['permission_callback'] ?? null;
            $this->assertNotNull($cb, "{$label} has a permission_callback");
            $this->assertNotSame('__return_true', $cb, "{$label} is not public");

            wp_set_current_user(0);
            $visitor = call_user_func($cb, new WP_REST_Request($e['method'], $e['path']));
            $this->assertTrue($visitor === false || is_wp_error($visitor), "{$label} refuses a visitor");
            if (is_wp_error($visitor)) {
                $this->assertSame(401, $visitor->get_error_data()['status'] ?? null, "{$label} visitor status");
            }

            $this->actAs($subscriber);
            $sub = call_user_func($cb, new WP_REST_Request($e['method'], $e['path']));
            $this->assertTrue($sub === false || is_wp_error($sub), "{$label} refuses a subscriber");
            if (is_wp_error($sub)) {
                $this->assertSame(403, $sub->get_error_data()['status'] ?? null, "{$label} subscriber status");
            }
        }
    }

    public function testSubscriberGets403FromEveryEndpointEvenWithBadArguments(): void
    {
        $this->actAs($this->createUser('subscriber'));
        foreach ($this->endpoints() as $e) {
            // No body at all: required arguments are missing, yet the answer is 403, not 400.
            $res = $this->rest($e['method'], $e['path']);
            $this->assertSame(403, $res->get_status(), $e['method'] . ' ' . $e['route'] . ': ' . wp_json_encode($res->get_data()));
        }
        wp_set_current_user(0);
        foreach ($this->endpoints() as $e) {
            $this->assertSame(401, $this->rest($e['method'], $e['path'])->get_status(), $e['method'] . ' ' . $e['route'] . ' (visitor)');
        }
    }

    public function testSubscriberGets403FromTheShellRoutes(): void
    {
        $this->actAs($this->createUser('subscriber'));
        $valid = [
            ['GET', '/aipkit/v1/settings', []],
            ['POST', '/aipkit/v1/settings', ['hold_lifetime_minutes' => 20]],
            ['POST', '/aipkit/v1/preview', RestArgsTest::samplePreview()],
            ['GET', '/aipkit/v1/health', []],
        ];
        foreach ($valid as [$method, $route, $params]) {
            $res = $this->rest($method, $route, $params);
            $this->assertSame(403, $res->get_status(), "{$method} {$route}");
            $this->assertSame('rest_forbidden', $res->get_data()['code']);
        }
        $this->assertSame(15, \AipkitUsage\Settings::hold_lifetime_minutes(), 'the refused POST changed nothing');
    }

    public function testForgedNonceIsRefusedOnEveryEndpoint(): void
    {
        $this->actAs($this->createUser('administrator'));
        foreach ($this->endpoints() as $e) {
            $res = $this->rest($e['method'], $e['path'], [], 'forged' . wp_create_nonce('wp_rest'));
            $this->assertSame(403, $res->get_status(), $e['method'] . ' ' . $e['route']);
            $this->assertSame('rest_cookie_invalid_nonce', $res->get_data()['code']);
        }
        // The same admin with the right nonce gets through (so the 403 above was the nonce).
        $this->assertSame(200, $this->rest('GET', '/aipkit/v1/health', [], wp_create_nonce('wp_rest'))->get_status());
    }

    public function testApplicationPasswordAuthenticatesRestRequests(): void
    {
        $admin = $this->createUser('administrator');
        // Plain-http test site: allow application passwords here only (WordPress wants HTTPS or a local environment).
        add_filter('wp_is_application_passwords_available', '__return_true');
        add_filter('application_password_is_api_request', '__return_true');
        [$password] = \WP_Application_Passwords::create_new_application_password($admin, ['name' => 'shell-test']);
        $login = get_userdata($admin)->user_login;

        $_SERVER['PHP_AUTH_USER'] = $login;
        $_SERVER['PHP_AUTH_PW'] = $password;
        try {
            wp_set_current_user(0);
            $this->assertSame($admin, wp_validate_application_password(false));
            wp_set_current_user($admin);
            $this->assertSame(200, $this->rest('GET', '/aipkit/v1/settings')->get_status());

            $_SERVER['PHP_AUTH_PW'] = 'wrong wrong wrong';
            $this->assertNull(wp_validate_application_password(null));
        } finally {
            unset($_SERVER['PHP_AUTH_USER'], $_SERVER['PHP_AUTH_PW']);
        }
    }
}
