<?php
/**
 * Seeds realistic logs fast: multi-row INSERTs of conversations and their exchanges, with exact
 * conversation summaries (computed here from the very rows inserted), vector context with scores,
 * modules, bots, users and guests, spread over the last --days days with ids rising with time.
 *
 *   npm run seed -- --exchanges 100000 [--conversations 10000] [--days 120] [--batch 2000] [--modules=a,b] [--rebuild-fulltext]
 *
 * --prefix=NAME seeds {$wpdb->prefix}NAME_logs / NAME_conversations instead of the plugin's tables.
 * --rebuild-fulltext drops the FULLTEXT index before loading and builds it once afterwards, which is
 * much faster for big loads than maintaining it row by row (use it for the 1M-row benchmark).
 * Runs with WordPress loaded (bin/site-php / bin/seed).
 */

use AipkitUsage\Logs\Tables;

// phpcs:disable WordPress.WP.AlternativeFunctions.rand_mt_rand, WordPress.WP.AlternativeFunctions.rand_seeding_mt_srand -- seeded on purpose: the same --seed gives the same data set, so benchmark runs compare.
// phpcs:disable WordPress.Security.EscapeOutput.OutputNotEscaped -- a command-line tool printing counts to a terminal, never HTML.
// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- table names are the plugin's own (Tables::*); bulk VALUES lists are joined from tuples each built by $wpdb->prepare().

// A function scope: this file runs inside WordPress, where file-scope variables would be globals.
( static function ( array $argv ): void {
	if ( ! defined( 'ABSPATH' ) ) {
		fwrite( STDERR, "Run through bin/seed (npm run seed -- …) so WordPress is loaded.\n" );
		exit( 2 );
	}

	$opts   = [
		'exchanges'        => 10000,
		'conversations'    => 0,
		'days'             => 120,
		'batch'            => 2000,
		'rebuild-fulltext' => false,
		'seed'             => 42,
	];
	$args   = array_slice( $argv, 1 );
	$n_args = count( $args );
	for ( $i = 0; $i < $n_args; $i++ ) {
		$a = $args[ $i ];
		if ( preg_match( '/^--prefix=([a-z0-9_]{1,32})$/', $a, $m ) ) {
			// The benchmark's own tables (bench/logs): {$wpdb->prefix}{name}_logs / _conversations.
			Tables::$prefix = $GLOBALS['wpdb']->prefix . $m[1] . '_';
			continue;
		}
		if ( preg_match( '/^--modules=([a-z0-9_,]{1,200})$/', $a, $m ) ) {
			// Only these modules (the benchmark keeps its delete target, content_writer, at a fixed size).
			$opts['modules'] = array_filter( explode( ',', $m[1] ) );
			continue;
		}
		if ( '--rebuild-fulltext' === $a ) {
			$opts['rebuild-fulltext'] = true;
			continue;
		}
		if ( preg_match( '/^--(exchanges|conversations|days|batch|seed)(?:=(\d+))?$/', $a, $m ) ) {
			$v = isset( $m[2] ) && '' !== $m[2] ? $m[2] : ( $args[ ++$i ] ?? '' );
			if ( ! ctype_digit( (string) $v ) ) {
				fwrite( STDERR, "--{$m[1]} needs a whole number\n" );
				exit( 2 );
			}
			$opts[ $m[1] ] = (int) $v;
			continue;
		}
		fwrite( STDERR, "usage: seed-logs.php --exchanges N [--conversations M] [--days D] [--batch B] [--modules=a,b] [--rebuild-fulltext]\n" );
		exit( 2 );
	}
	$total = max( 1, $opts['exchanges'] );
	$convs = $opts['conversations'] > 0 ? min( $opts['conversations'], $total ) : max( 1, intdiv( $total, 10 ) );
	$batch = max( 100, min( 10000, $opts['batch'] ) );
	mt_srand( $opts['seed'] );

	global $wpdb;
	$wpdb->suppress_errors( false );
	$lt = Tables::logs();
	$ct = Tables::conversations();
	if ( ! $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $lt ) ) ) {
		fwrite( STDERR, "The logs table {$lt} does not exist: is the plugin active?\n" );
		exit( 1 );
	}

	$has_ft = (bool) $wpdb->get_var( "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{$lt}' AND INDEX_TYPE = 'FULLTEXT'" );
	if ( $opts['rebuild-fulltext'] && $has_ft ) {
		echo "dropping the FULLTEXT index for the bulk load…\n";
		$wpdb->query( "ALTER TABLE {$lt} DROP INDEX content" );
	}

	$words   = explode( ' ', 'account password invoice refund billing order shipping delivery subscription plan upgrade cancel coupon discount product price tax receipt payment card login email profile settings export report error timeout webhook plugin theme widget shortcode gallery image caption translate summary article draft publish schedule category keyword audience tone outline paragraph headline meta description sitemap cache speed mobile checkout cart variation stock warehouse return exchange warranty support ticket agent escalation feedback survey newsletter campaign analytics conversion Grüße Rechnung café naïve données' );
	$intros  = [ 'How do I', 'Can you help me', 'Why does my', 'Where can I find the', 'Please explain the', 'Is it possible to change the', 'What is the best way to handle', 'I need a quick answer about the' ];
	$replies = [ 'You can do that from the', 'The recommended approach is to open the', 'This usually happens when the', 'Go to Settings and look for the', 'Here is a short summary of the', 'I checked the knowledge base: the' ];
	$modules = [
		'chatbot'         => 70,
		'ai_forms'        => 15,
		'content_writer'  => 10,
		'image_generator' => 5,
	];
	if ( ! empty( $opts['modules'] ) ) {
		$unknown = array_diff( $opts['modules'], array_keys( $modules ) );
		if ( $unknown ) {
			fwrite( STDERR, 'unknown module(s): ' . implode( ', ', $unknown ) . ' (known: ' . implode( ', ', array_keys( $modules ) ) . ")\n" );
			exit( 2 );
		}
		$modules = array_intersect_key( $modules, array_flip( $opts['modules'] ) );
	}
	$bots     = [
		'chatbot'         => [ 'support-bot', 'sales-bot', 'docs-bot', '' ],
		'ai_forms'        => [ 'contact-form', 'quote-form' ],
		'content_writer'  => [ '' ],
		'image_generator' => [ '' ],
	];
	$models   = [ [ 'openai', 'gpt-4o-mini' ], [ 'openai', 'gpt-4.1' ], [ 'google', 'gemini-2.0-flash' ], [ 'claude', 'claude-3-5-haiku' ], [ 'openrouter', 'mistral-small' ] ];
	$vecprov  = [ 'pinecone', 'qdrant', 'openai-vector-store' ];
	$user_ids = array_map( 'intval', $wpdb->get_col( "SELECT ID FROM {$wpdb->users} ORDER BY ID LIMIT 50" ) );

	$pick_weighted = static function ( array $w ) {
		$r = mt_rand( 1, array_sum( $w ) );
		foreach ( $w as $k => $v ) {
			$r -= $v;
			if ( $r <= 0 ) {
				return $k;
			}
		}
		return array_key_first( $w );
	};
	$sentence      = static function ( int $n ) use ( $words ) {
		$out = [];
		for ( $i = 0; $i < $n; $i++ ) {
			$out[] = $words[ mt_rand( 0, count( $words ) - 1 ) ];
		}
		return implode( ' ', $out );
	};

	$now         = time();
	$span        = $opts['days'] * DAY_IN_SECONDS;
	$start       = $now - $span;
	$run         = base_convert( (string) mt_rand( 100000, 999999 ), 10, 36 ) . base_convert( (string) $now, 10, 36 );
	$per_conv    = $total / $convs;
	$written     = 0;
	$generated   = 0;
	$conv_no     = 0;
	$t0          = microtime( true );
	$tty         = function_exists( 'posix_isatty' ) && defined( 'STDOUT' ) && posix_isatty( STDOUT );
	$tenth       = -1;
	$chunk_convs = max( 1, (int) floor( $batch / max( 1, $per_conv ) ) );

	while ( $conv_no < $convs ) {
		$n_here = min( $chunk_convs, $convs - $conv_no );
		$c_rows = [];
		// This chunk's slice of the time span, so ids rise with time across the whole load.
		$slice_a = $start + (int) ( $span * $conv_no / $convs );
		$slice_b = $start + (int) ( $span * ( $conv_no + $n_here ) / $convs );
		for ( $k = 0; $k < $n_here; $k++, $conv_no++ ) {
			// Exchanges per conversation: the target total spread evenly, remainder on the last ones.
			$want = (int) ( round( $per_conv * ( $conv_no + 1 ) ) - round( $per_conv * $conv_no ) );
			$want = $conv_no === $convs - 1 ? $total - $generated : max( 1, $want );
			if ( $want < 1 ) {
				$want = 1;
			}
			$module  = $pick_weighted( $modules );
			$bot     = $bots[ $module ][ mt_rand( 0, count( $bots[ $module ] ) - 1 ) ];
			$is_user = $user_ids && mt_rand( 1, 100 ) <= 40;
			$uid     = $is_user ? $user_ids[ mt_rand( 0, count( $user_ids ) - 1 ) ] : 0;
			$guest   = $is_user ? '' : substr( md5( $run . $conv_no ), 0, 12 );
			$t       = mt_rand( $slice_a, max( $slice_a, $slice_b - 1 ) );
			$sum     = [
				'in'      => 0,
				'out'     => 0,
				'micro'   => 0,
				'first'   => $t,
				'last'    => $t,
				'preview' => '',
			];
			$list    = [];
			for ( $e = 0; $e < $want; $e++ ) {
				$t               += mt_rand( 5, 240 );
				[ $prov, $model ] = $models[ mt_rand( 0, count( $models ) - 1 ) ];
				$in               = mt_rand( 20, 2500 );
				$out              = mt_rand( 10, 1200 );
				$micro            = intdiv( $in * 1000 + $out * 2000, 1000 ); // 1 and 2 credits per 1K tokens, in micro-credits
				$msg              = $intros[ mt_rand( 0, count( $intros ) - 1 ) ] . ' ' . $sentence( mt_rand( 3, 12 ) ) . '?';
				// Booking / order codes support staff search for ("QX-7", "order 42"): short tokens the
				// FULLTEXT index does not hold. About 1 exchange in 50 carries one.
				if ( 1 === mt_rand( 1, 50 ) ) {
					$msg .= ' Booking ' . chr( mt_rand( 65, 90 ) ) . chr( mt_rand( 65, 90 ) ) . '-' . mt_rand( 1, 99 ) . '.';
				} elseif ( 1 === mt_rand( 1, 30 ) ) {
					$msg .= ' Order ' . mt_rand( 1, 99 ) . ' of ' . mt_rand( 1, 9 ) . '.';
				}
				$reply = $replies[ mt_rand( 0, count( $replies ) - 1 ) ] . ' ' . $sentence( mt_rand( 10, 40 ) ) . '.';
				$vec   = [];
				$top   = null;
				if ( 'chatbot' === $module && mt_rand( 1, 100 ) <= 40 ) {
					for ( $v = mt_rand( 1, 3 ); $v > 0; $v-- ) {
						$score = mt_rand( 300, 970 ) / 1000;
						$vec[] = [
							'provider' => $vecprov[ mt_rand( 0, 2 ) ],
							'source'   => 'kb/' . $words[ mt_rand( 0, count( $words ) - 1 ) ] . '.md',
							'score'    => number_format( $score, 3, '.', '' ),
							'scale'    => 'fraction',
							'preview'  => $sentence( 12 ),
						];
						$top   = null === $top ? $score : max( $top, $score );
					}
				}
				$list[]         = [ $t, $prov, $model, $in, $out, $micro, $msg, $reply, $vec, $top ];
				$sum['in']     += $in;
				$sum['out']    += $out;
				$sum['micro']  += $micro;
				$sum['last']    = $t;
				$sum['preview'] = $msg;
			}
			$generated += $want;
			$key        = "{$module}:{$bot}:seed-{$run}-{$conv_no}";
			$c_rows[]   = [ $key, $module, $bot, $uid, $guest, $sum, $list ];
		}
		// Conversations of the chunk in one INSERT: InnoDB hands a multi-row INSERT consecutive ids.
		$vals = [];
		foreach ( $c_rows as $c ) {
			$s      = $c[5];
			$vals[] = $wpdb->prepare(
				'(%s,%s,%s,%d,%s,%s,%s,%d,%d,%d,%s,%s)',
				$c[0],
				$c[1],
				$c[2],
				$c[3],
				$c[4],
				gmdate( 'Y-m-d H:i:s', $s['first'] ),
				gmdate( 'Y-m-d H:i:s', $s['last'] ),
				count( $c[6] ),
				$s['in'],
				$s['out'],
				sprintf( '%d.%06d', intdiv( $s['micro'], 1000000 ), $s['micro'] % 1000000 ),
				mb_substr( $s['preview'], 0, 190 )
			);
		}
		$wpdb->query( 'START TRANSACTION' );
		$ok = $wpdb->query( "INSERT INTO {$ct} (conversation_key, module, bot_id, user_id, guest_key, first_at, last_at, exchanges, input_tokens, output_tokens, credits, last_preview) VALUES " . implode( ',', $vals ) );
		if ( false === $ok ) {
			fwrite( STDERR, 'conversation insert failed: ' . $wpdb->last_error . "\n" );
			exit( 1 );
		}
		// Map keys to ids rather than assume consecutive ids (another process may be inserting too).
		$keys = implode(
			',',
			array_map(
				static function ( $c ) use ( $wpdb ) {
					return $wpdb->prepare( '%s', $c[0] );
				},
				$c_rows
			)
		);
		$ids  = $wpdb->get_results( "SELECT conversation_key, id FROM {$ct} WHERE conversation_key IN ({$keys})", OBJECT_K );
		$logs = [];
		foreach ( $c_rows as $c ) {
			foreach ( $c[6] as $e ) {
				$logs[] = [ (int) $ids[ $c[0] ]->id, $c, $e ];
			}
		}
		usort(
			$logs,
			static function ( $a, $b ) {
				return $a[2][0] <=> $b[2][0];
			}
		);
		foreach ( array_chunk( $logs, $batch ) as $part ) {
			$vals = [];
			foreach ( $part as [ $cid, $c, $e ] ) {
				[ $t, $prov, $model, $in, $out, $micro, $msg, $reply, $vec, $top ] = $e;
				$vals[] = $wpdb->prepare(
					"(%d,%s,%s,%s,%d,%s,%s,%s,'chat',%d,%d,%s,%s,%s,%s,%s," . ( null === $top ? 'NULL' : '%s' ) . ",'ok')",
					...array_merge(
						[
							$cid,
							gmdate( 'Y-m-d H:i:s', $t ),
							$c[1],
							$c[2],
							$c[3],
							$c[4],
							$prov,
							$model,
							$in,
							$out,
							sprintf( '%d.%06d', intdiv( $micro, 1000000 ), $micro % 1000000 ),
							$msg,
							$reply,
							'{"duration_ms":' . mt_rand( 300, 9000 ) . ',"request_id":"seed-' . $run . '"}',
							wp_json_encode( $vec, JSON_UNESCAPED_UNICODE ),
						],
						null === $top ? [] : [ number_format( $top * 100, 2, '.', '' ) ]
					)
				);
			}
			$ok = $wpdb->query( "INSERT INTO {$lt} (conversation_id, created_at, module, bot_id, user_id, guest_key, provider, model, usage_type, input_tokens, output_tokens, credits, user_message, reply, metadata, vector_context, top_score, status) VALUES " . implode( ',', $vals ) );
			if ( false === $ok ) {
				fwrite( STDERR, 'log insert failed: ' . $wpdb->last_error . "\n" );
				exit( 1 );
			}
			// The short-word index, as LogWriter keeps it: read the rows just inserted back (ids from
			// the first one of this statement) and index their words in the same transaction.
			$first = (int) $wpdb->insert_id;
			\AipkitUsage\Logs\TermIndex::rebuild_batch( $first - 1, count( $part ), PHP_INT_MAX );
			$written += count( $part );
		}
		$wpdb->query( 'COMMIT' );
		$wpdb->flush();
		$el = microtime( true ) - $t0;
		// A terminal gets a live counter; a log file (benchmarks, CI) gets a line every 10% instead of
		// thousands of carriage-return updates on one line.
		$tenth = (int) floor( 10 * $written / max( 1, $total ) );
		if ( $tty || $tenth > $tenth || $written >= $total ) {
			printf( $tty ? "\r%d / %d exchanges, %d / %d conversations (%.0f rows/s)   " : "%d / %d exchanges, %d / %d conversations (%.0f rows/s)\n", $written, $total, $conv_no, $convs, $written / max( 0.001, $el ) );
			$tenth = $tenth;
		}
	}
	if ( $tty ) {
		echo "\n";
	}
	// Also when an earlier interrupted bulk load left the table without its index.
	if ( $opts['rebuild-fulltext'] ) {
		echo "rebuilding the FULLTEXT index…\n";
		$tf = microtime( true );
		$wpdb->query( "ALTER TABLE {$lt} ADD FULLTEXT KEY content (user_message, reply)" );
		printf( "FULLTEXT index built in %.1f s\n", microtime( true ) - $tf );
	}
	printf( "seeded %d exchanges in %d conversations in %.1f s\n", $written, $convs, microtime( true ) - $t0 );
} )( $GLOBALS['argv'] ?? [] );
