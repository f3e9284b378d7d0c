<?php
// Prelude of every generated spec-test script (wasm2php/tests/spec.rs). Any warning or notice is a failure.
set_error_handler(
	static function ( int $no, string $str, string $file, int $line ): bool {
		throw new ErrorException( $str, 0, $no, $file, $line );
	}
);
$pass = 0;
$fail = 0;
function is_trap( Throwable $e ): bool {
	return ( $e instanceof RuntimeException && str_starts_with( $e->getMessage(), 'wasm trap' ) )
		|| $e instanceof DivisionByZeroError || $e instanceof ArithmeticError;
}
function instantiate( callable $make, string $label ) {
	global $fail;
	try {
		return $make();
	} catch ( Throwable $e ) {
		++$fail;
		echo "FAIL $label: instantiation threw ", get_class( $e ), ' ', $e->getMessage(), "\n";
		return null;
	}
}
function ret( callable $f, $want, string $label ): void {
	global $pass, $fail;
	try {
		$got = $f();
	} catch ( Throwable $e ) {
		++$fail;
		echo "FAIL $label: threw ", get_class( $e ), ' ', $e->getMessage(), "\n";
		return;
	}
	if ( $got === $want ) {
		++$pass;
	} else {
		++$fail;
		echo "FAIL $label: got ", var_export( $got, true ), ' want ', var_export( $want, true ), "\n";
	}
}
function trap( callable $f, string $label ): void {
	global $pass, $fail;
	try {
		$got = $f();
	} catch ( Throwable $e ) {
		if ( is_trap( $e ) ) {
			++$pass;
		} else {
			++$fail;
			echo "FAIL $label: threw ", get_class( $e ), ' ', $e->getMessage(), " instead of a trap\n";
		}
		return;
	}
	++$fail;
	echo "FAIL $label: returned ", var_export( $got, true ), " instead of trapping\n";
}
function act( callable $f, string $label ): void {
	global $fail;
	try {
		$f();
	} catch ( Throwable $e ) {
		++$fail;
		echo "FAIL $label: action threw ", get_class( $e ), ' ', $e->getMessage(), "\n";
	}
}
