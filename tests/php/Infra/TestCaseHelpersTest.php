<?php
namespace AipkitUsage\Tests\Infra;

use AipkitUsage\Tests\TestCase;

final class TestCaseHelpersTest extends TestCase
{
    public function testCreateUserWithSeveralRoles(): void
    {
        $id = $this->createUser(['editor', 'author']);
        $user = get_userdata($id);
        $this->assertEqualsCanonicalizing(['editor', 'author'], $user->roles);
        $this->assertSame($id, $this->actAs($id));
        $this->assertSame($id, get_current_user_id());
        $this->assertTrue(current_user_can('edit_others_posts'));
    }

    public function testRestAsLoggedInUserWithoutNonceCheck(): void
    {
        $this->actAs($this->createUser('administrator'));
        $response = $this->rest('GET', '/wp/v2/users/me', ['context' => 'edit']);
        $this->assertSame(200, $response->get_status());
        $this->assertSame(get_current_user_id(), $this->restData($response)['id']);
    }

    public function testRestWithInvalidNonceIsRefusedLikeTheRealServer(): void
    {
        $this->actAs($this->createUser('administrator'));
        $response = $this->rest('GET', '/wp/v2/users/me', [], 'not-a-nonce');
        $this->assertSame(403, $response->get_status());
        $this->assertSame('rest_cookie_invalid_nonce', $this->restData($response)['code']);
    }

    public function testRestWithValidNonce(): void
    {
        $this->actAs($this->createUser('editor'));
        $response = $this->rest('POST', '/wp/v2/posts', ['title' => 'Hello', 'status' => 'draft'], $this->restNonce());
        $this->assertSame(201, $response->get_status());
        $this->assertSame('Hello', $this->restData($response)['title']['raw']);
    }

    public function testRestAsVisitorIsUnauthorised(): void
    {
        $response = $this->rest('GET', '/wp/v2/users/me');
        $this->assertSame(401, $response->get_status());
    }

    public function testWpDieThrowsInsteadOfExiting(): void
    {
        try {
            wp_die('<b>Nope</b> &amp; no', 403);
            $this->fail('wp_die() returned');
        } catch (\AipkitUsage\Tests\WpDieException $e) {
            $this->assertSame('Nope & no', $e->getMessage());
            $this->assertSame(403, $e->getStatus());
        }
    }

    public function testFailedAdminNonceCheckIsObservable(): void
    {
        $this->actAs($this->createUser('administrator'));
        $_REQUEST['_wpnonce'] = 'forged';
        $this->expectException(\AipkitUsage\Tests\WpDieException::class);
        check_admin_referer('aipkit_some_action');
    }
}
