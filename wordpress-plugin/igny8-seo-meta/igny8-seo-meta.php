<?php
/**
 * Plugin Name: IGNY8 SEO Meta
 * Description: Lets IGNY8 set a post's SEO title, meta description and focus keywords through the REST API, prints them on the post page, and tells IGNY8 (signed webhooks) when a post is saved or deleted.
 * Version: 1.1.0
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

/** Reported to IGNY8 (REST index `igny8.version`, GET igny8/v1/status) so its health check can show it. */
const IGNY8_SEO_META_VERSION = '1.1.0';

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

// ---------------------------------------------------------------- version and webhook settings (REST)

/** The REST index (GET /wp-json/) names the plugin and its version: one request tells IGNY8 both. */
function igny8_seo_meta_rest_index($response) {
    $data = $response->get_data();
    $data['igny8'] = array(
        'plugin'  => 'igny8-seo-meta',
        'version' => IGNY8_SEO_META_VERSION,
    );
    $response->set_data($data);
    return $response;
}
add_filter('rest_index', 'igny8_seo_meta_rest_index');

function igny8_seo_meta_rest_routes() {
    register_rest_route('igny8/v1', '/status', array(
        'methods'             => 'GET',
        'permission_callback' => function () {
            return current_user_can('edit_posts');
        },
        'callback'            => function () {
            return array(
                'plugin'             => 'igny8-seo-meta',
                'version'            => IGNY8_SEO_META_VERSION,
                'webhook_configured' => get_option('igny8_webhook_url', '') !== ''
                    && get_option('igny8_webhook_secret', '') !== '',
            );
        },
    ));
    // IGNY8 calls this with the site's Application Password when the integration is created or its
    // secret rotated. Only administrators: whoever sets the URL decides where post events go.
    register_rest_route('igny8/v1', '/webhook', array(
        'methods'             => 'POST',
        'permission_callback' => function () {
            return current_user_can('manage_options');
        },
        'args'                => array(
            'url'    => array('type' => 'string', 'required' => true, 'format' => 'uri'),
            'secret' => array('type' => 'string', 'required' => true, 'minLength' => 16, 'maxLength' => 200),
        ),
        'callback'            => function (WP_REST_Request $request) {
            $url = esc_url_raw((string) $request['url'], array('http', 'https'));
            if ($url === '') {
                return new WP_Error('igny8_bad_url', 'An http(s) URL is required.', array('status' => 400));
            }
            update_option('igny8_webhook_url', $url, false);
            update_option('igny8_webhook_secret', (string) $request['secret'], false);
            return array('webhook_configured' => true, 'version' => IGNY8_SEO_META_VERSION);
        },
    ));
}
add_action('rest_api_init', 'igny8_seo_meta_rest_routes');

// ---------------------------------------------------------------- signed webhooks on save and delete

/** Events of this request, one per post (a REST save fires save_post more than once), sent at shutdown. */
$GLOBALS['igny8_seo_meta_pending'] = array();

function igny8_seo_meta_queue($post, $event) {
    if (!$post || wp_is_post_revision($post) || wp_is_post_autosave($post)) return;
    if (!in_array($post->post_type, array('post', 'page'), true)) return;
    if ($post->post_status === 'auto-draft') return;
    if (get_option('igny8_webhook_url', '') === '') return;
    $GLOBALS['igny8_seo_meta_pending'][$post->ID] = array(
        'event'        => $event,
        'post_id'      => (int) $post->ID,
        'post_type'    => $post->post_type,
        'modified_gmt' => $post->post_modified_gmt,
    );
}

add_action('save_post', function ($post_id, $post) {
    igny8_seo_meta_queue($post, 'post.saved');
}, 20, 2);

add_action('before_delete_post', function ($post_id) {
    igny8_seo_meta_queue(get_post($post_id), 'post.deleted');
}, 10, 1);

/**
 * Signs each event as IGNY8 checks it: HMAC-SHA256 over "<unix seconds>.<raw body>" with the shared
 * secret (a timestamp inside the signature, so a captured request can't be replayed later). Sent
 * non-blocking: saving a post never waits for IGNY8.
 */
function igny8_seo_meta_flush() {
    $url    = get_option('igny8_webhook_url', '');
    $secret = get_option('igny8_webhook_secret', '');
    if ($url === '' || $secret === '') return;
    foreach ($GLOBALS['igny8_seo_meta_pending'] as $payload) {
        $body = wp_json_encode($payload);
        $ts   = (string) time();
        wp_remote_post($url, array(
            'blocking' => false,
            'timeout'  => 3,
            'headers'  => array(
                'Content-Type'      => 'application/json',
                'X-IGNY8-Timestamp' => $ts,
                'X-IGNY8-Signature' => 'sha256=' . hash_hmac('sha256', $ts . '.' . $body, $secret),
            ),
            'body'     => $body,
        ));
    }
    $GLOBALS['igny8_seo_meta_pending'] = array();
}
add_action('shutdown', 'igny8_seo_meta_flush');
