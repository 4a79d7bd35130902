<?php
/**
 * Plugin Name: IGNY8 SEO Meta
 * Description: Lets IGNY8 set a post's SEO title, meta description and focus keywords through the REST API, and prints them on the post page.
 * Version: 1.0.0
 * Requires at least: 5.5
 * Requires PHP: 7.4
 * Author: IGNY8
 * License: GPL-2.0-or-later
 *
 * Stock WordPress ignores post meta that is not registered with show_in_rest, so without this
 * plugin the SEO title and description sent by IGNY8 would be dropped silently. The keys start
 * with an underscore (protected: hidden from the Custom Fields box); the auth callback lets
 * whoever may edit the post change them over REST.
 */

defined('ABSPATH') || exit;

const IGNY8_SEO_META_KEYS = array(
    '_igny8_meta_title'         => 'SEO title (the <title> of the post page)',
    '_igny8_meta_description'   => 'Meta description',
    '_igny8_primary_keyword'    => 'Primary (focus) keyword',
    '_igny8_secondary_keywords' => 'Secondary keywords, comma-separated',
);

function igny8_seo_meta_register() {
    foreach (array('post', 'page') as $post_type) {
        foreach (IGNY8_SEO_META_KEYS as $key => $description) {
            register_post_meta($post_type, $key, array(
                'type'              => 'string',
                'description'       => $description,
                'single'            => true,
                'default'           => '',
                'show_in_rest'      => true,
                'sanitize_callback' => 'igny8_seo_meta_sanitize',
                'auth_callback'     => function ($allowed, $meta_key, $post_id) {
                    return current_user_can('edit_post', $post_id);
                },
            ));
        }
    }
}
add_action('init', 'igny8_seo_meta_register');

function igny8_seo_meta_sanitize($value) {
    $value = sanitize_text_field((string) $value);
    return function_exists('mb_substr') ? mb_substr($value, 0, 500) : substr($value, 0, 500);
}

function igny8_seo_meta_value($key) {
    if (!is_singular()) return '';
    $post_id = get_queried_object_id();
    return $post_id ? trim((string) get_post_meta($post_id, $key, true)) : '';
}

/** The <title> of a single post: the SEO title when one is set. */
function igny8_seo_meta_document_title($title) {
    $seo_title = igny8_seo_meta_value('_igny8_meta_title');
    return $seo_title !== '' ? $seo_title : $title;
}
add_filter('pre_get_document_title', 'igny8_seo_meta_document_title', 20);

/** <meta name="description"> on a single post, unless an SEO plugin already prints one. */
function igny8_seo_meta_head() {
    if (defined('WPSEO_VERSION') || defined('RANK_MATH_VERSION')) return;
    $description = igny8_seo_meta_value('_igny8_meta_description');
    if ($description !== '') {
        printf("<meta name=\"description\" content=\"%s\" />\n", esc_attr($description));
    }
    $keyword = igny8_seo_meta_value('_igny8_primary_keyword');
    if ($keyword !== '') {
        printf("<meta name=\"igny8:primary-keyword\" content=\"%s\" />\n", esc_attr($keyword));
    }
}
add_action('wp_head', 'igny8_seo_meta_head', 1);
