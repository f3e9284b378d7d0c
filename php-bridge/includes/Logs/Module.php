<?php
namespace AipkitUsage\Logs;

use AipkitUsage\Rest\Logs\ConversationsController;
use AipkitUsage\Rest\Logs\DeleteController;
use AipkitUsage\Rest\Logs\ExportController;
use AipkitUsage\Rest\Logs\RetentionController;

defined( 'ABSPATH' ) || exit;

/** Boots the Logs area: REST routes, the retention cron, privacy exporter/eraser. */
final class Module {
	public function register(): void {
		( new ConversationsController() )->register();
		( new DeleteController() )->register();
		( new ExportController() )->register();
		( new RetentionController() )->register();
		Privacy::register();
		add_action(
			Retention::HOOK,
			static function () {
				Retention::run();
			},
			10,
			0
		);
		add_action( TermIndex::BACKFILL_HOOK, [ TermIndex::class, 'run_backfill' ], 10, 0 );
		add_action(
			FulltextCleanup::HOOK,
			static function () {
				FulltextCleanup::run();
			},
			10,
			0
		);
		// Re-creates the daily event if it was lost (e.g. cron option reset) while retention is on.
		add_action( 'admin_init', [ Retention::class, 'schedule' ] );
	}
}
