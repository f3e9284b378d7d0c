<?php
namespace AipkitUsage\Billing;

/**
 * Billing settings as billing reads them. The shell's Settings class owns storage and validation;
 * billing only reads through it, so there is never a second copy of a setting.
 */
final class Config {
	public const DEFAULT_MESSAGE = 'You have reached your quota for this period.';

	public static function order(): string {
		return \AipkitUsage\Settings::consumption_order();
	}

	/** Seconds a hold lives before the sweeper releases it. */
	public static function hold_lifetime(): int {
		return max( 1, \AipkitUsage\Settings::hold_lifetime_minutes() ) * MINUTE_IN_SECONDS;
	}

	public static function buy_credits_url(): string {
		return \AipkitUsage\Settings::buy_credits_url();
	}

	public static function dashboard_url(): string {
		return \AipkitUsage\Settings::customer_dashboard_url();
	}
}
