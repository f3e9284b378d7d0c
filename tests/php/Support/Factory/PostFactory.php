<?php
namespace AipkitUsage\Tests\Support\Factory;

use WP_Post;

/**
 * Posts and pages through wp_insert_post(): published, with a numbered title, unless the arguments
 * say otherwise. 'shortcode' appends a shortcode to the content: true for the Customer dashboard's
 * [aipkit_token_usage], or the whole shortcode text (e.g. '[aipkit_token_usage chatbot="no"]').
 *   $this->factory()->page->create(['shortcode' => true])
 *   $this->factory()->post->create(['post_status' => 'draft'])
 */
final class PostFactory extends ObjectFactory
{
    private string $postType;
    private int $number = 0;

    public function __construct(string $postType = 'post')
    {
        $this->postType = $postType;
    }

    protected function make(array $args): int
    {
        $shortcode = $args['shortcode'] ?? false;
        unset($args['shortcode']);
        $this->number++;
        $args += [
            'post_type' => $this->postType,
            'post_status' => 'publish',
            'post_title' => ucfirst($this->postType) . ' ' . $this->number,
            'post_content' => '',
        ];
        if ($shortcode) {
            $args['post_content'] = trim($args['post_content'] . "\n" . (true === $shortcode ? '[aipkit_token_usage]' : $shortcode));
        }
        return self::check(wp_insert_post(wp_slash($args), true), 'creating a ' . $args['post_type']);
    }

    public function get(int $id): WP_Post
    {
        return get_post($id);
    }

    protected function delete(int $id): void
    {
        wp_delete_post($id, true);
    }
}
