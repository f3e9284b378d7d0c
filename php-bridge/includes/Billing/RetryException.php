<?php
namespace AipkitUsage\Billing;

/**
 * The database ended this attempt of a unit for a reason a fresh attempt may not meet again: a
 * deadlock or Galera conflict (1213), a lock wait timeout, or a lost connection. The transaction is
 * gone either way; Transaction::run rolls back and runs the unit again from its start.
 */
final class RetryException extends \RuntimeException {
	/** True when the connection itself was lost: the next attempt needs a new one. */
	public bool $lost = false;
}
