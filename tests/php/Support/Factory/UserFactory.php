<?php
namespace AipkitUsage\Tests\Support\Factory;

use WP_User;

/**
 * Users through wp_insert_user(). 'role' is one role or a list (the first is set, the others added),
 * every other key is a wp_insert_user() field; login, e-mail and password 'password' have defaults.
 *   $this->factory()->user->create(['role' => 'administrator'])
 *   $this->factory()->user->create_many(3, ['role' => 'customer'])
 */
final class UserFactory extends ObjectFactory
{
    private string $testClass;

    public function __construct(string $testClass)
    {
        $this->testClass = $testClass;
    }

    protected function make(array $args): int
    {
        $roles = (array) ($args['role'] ?? 'subscriber');
        unset($args['role']);
        $login = $args['user_login'] ?? $this->unique('user', $this->testClass);
        $id = self::check(wp_insert_user($args + [
            'user_login' => $login,
            'user_pass' => 'password',
            'user_email' => $login . '@example.test',
            'role' => $roles[0] ?? '',
        ]), 'creating a user');
        $user = new WP_User($id);
        foreach (array_slice($roles, 1) as $role) {
            $user->add_role($role);
        }
        return $id;
    }

    public function get(int $id): WP_User
    {
        return new WP_User($id);
    }

    protected function delete(int $id): void
    {
        wp_delete_user($id);
    }
}
