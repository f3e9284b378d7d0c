<?php
namespace AipkitUsage\Tests;

use RuntimeException;

/**
 * Thrown instead of wp_die() during tests, so a test can assert that code refused a request
 * (e.g. a failed nonce check) without the PHPUnit process exiting. getMessage() is the plain text,
 * getTitle()/getArgs() what was passed to wp_die(); getStatus() the HTTP status it would send.
 */
final class WpDieException extends RuntimeException
{
    private string $title;
    private array $args;

    public function __construct(string $message, string $title = '', array $args = [])
    {
        parent::__construct($message);
        $this->title = $title;
        $this->args = $args;
    }

    public function getTitle(): string
    {
        return $this->title;
    }

    public function getArgs(): array
    {
        return $this->args;
    }

    public function getStatus(): int
    {
        return (int) ($this->args['response'] ?? 500);
    }

    /** The wp_die handler installed by the bootstrap for every wp_die_*_handler filter. */
    public static function handler($message, $title = '', $args = []): void
    {
        if (is_wp_error($message)) {
            $message = $message->get_error_message();
        }
        if (is_wp_error($title)) {
            $title = $title->get_error_message();
        }
        $args = is_array($args) ? $args : [];
        if (is_int($title)) {
            // wp_die( $message, 403 ) passes the response code as the title.
            $args['response'] = $title;
            $title = '';
        }
        throw new self(
            trim(html_entity_decode(wp_strip_all_tags((string) $message), ENT_QUOTES)),
            (string) $title,
            $args
        );
    }
}
