<?php
namespace AipkitUsage\Billing;

/** Signals that the database chose this transaction as a deadlock victim: roll back and run it again. */
final class RetryException extends \RuntimeException {
}
