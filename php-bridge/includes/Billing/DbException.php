<?php
namespace AipkitUsage\Billing;

/**
 * A statement inside a money transaction failed for a reason a retry will not fix. Transaction::run
 * rolls back and answers a WP_Error; the caller never sees a failed statement as an empty result.
 */
final class DbException extends \RuntimeException {
}
