//! The PHP helpers every generated class carries: wrapping 64-bit arithmetic, unaligned and
//! sub-word memory access, bulk memory, traps, and byte transfer for the host.

/// A PHP double-quoted string literal holding exactly `bytes` (no interpolation).
pub fn php_bytes(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'$' => s.push_str("\\$"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

/// A PHP single-quoted string literal for a UTF-8 name.
pub fn php_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `memcmp`/`bcmp` (Options::libc_intrinsics): the range is checked as a whole first; short ranges
/// (the core's usual case: an input key against a field name) are compared byte by byte without a
/// call per byte, longer ones as strings (`strspn` of the XOR finds the first unequal byte).
pub fn memcmp(method: &str) -> String {
    format!(
        "\n\t/** memcmp (libc intrinsic: same answer as the byte loop) */\n\tprivate function {method}(int $l0, int $l1, int $l2): int {{\n\t\tif (0 === $l2) {{ return 0; }}\n\t\t$end = $this->pages << 16;\n\t\tif ($l0 + $l2 > $end || $l1 + $l2 > $end) {{ self::oob(); }}\n\t\tif ($l2 <= 16) {{\n{MEMCMP_SHORT}\t\t}}\n\t\t$x = $this->read($l0, $l2);\n\t\t$y = $this->read($l1, $l2);\n\t\tif ($x === $y) {{ return 0; }}\n\t\t$i = \\strspn($x ^ $y, \"\\0\");\n\t\treturn (\\ord($x[$i]) - \\ord($y[$i])) & 0xFFFFFFFF;\n\t}}\n"
    )
}

/// memcmp of at most 16 bytes: 8 bytes of each side at a time, each read as one 64-bit value
/// from its two or three words (PHP's `<< 64` is 0, so an aligned side needs no case of its own;
/// a word past the end of memory reads as 0 and is masked off), then the lowest unequal byte.
const MEMCMP_SHORT: &str = "\t\t\t$m = &$this->m;
\t\t\t$sa = ($l0 & 3) << 3;
\t\t\t$sb = ($l1 & 3) << 3;
\t\t\t$a = $l0 >> 2;
\t\t\t$b = $l1 >> 2;
\t\t\twhile (true) {
\t\t\t\t$x = ($m[$a] >> $sa) | (($m[$a + 1] ?? 0) << (32 - $sa)) | (($m[$a + 2] ?? 0) << (64 - $sa));
\t\t\t\t$y = ($m[$b] >> $sb) | (($m[$b + 1] ?? 0) << (32 - $sb)) | (($m[$b + 2] ?? 0) << (64 - $sb));
\t\t\t\tif ($l2 < 8) { $k = (1 << ($l2 << 3)) - 1; $x &= $k; $y &= $k; }
\t\t\t\tif ($x !== $y) {
\t\t\t\t\t$d = $x ^ $y;
\t\t\t\t\tfor ($s = 0; 0 === (($d >> $s) & 0xFF); $s += 8) {}
\t\t\t\t\treturn ((($x >> $s) & 0xFF) - (($y >> $s) & 0xFF)) & 0xFFFFFFFF;
\t\t\t\t}
\t\t\t\tif ($l2 <= 8) { return 0; }
\t\t\t\t$l2 -= 8;
\t\t\t\t$a += 2;
\t\t\t\t$b += 2;
\t\t\t}
";

pub const HELPERS: &str = r#"
	/** Runs an export by its wasm name (for tests and tools). */
	public function invoke( string $name, array $args ): ?int {
		$method = self::EXPORTS[ $name ] ?? self::trap( 'no exported function ' . $name );
		return $this->$method( ...$args );
	}

	public static function trap( string $what ): never {
		throw new \RuntimeException( 'wasm trap: ' . $what );
	}

	public static function oob(): never {
		throw new \RuntimeException( 'wasm trap: out of bounds memory access' );
	}

	/** $len bytes of linear memory from $a. */
	public function read( int $a, int $len ): string {
		if ( $len <= 0 ) {
			return '';
		}
		if ( $a < 0 || $a + $len > ( $this->pages << 16 ) ) {
			self::oob();
		}
		$w1 = ( $a + $len + 3 ) >> 2;
		// A loop, not array_slice(): PHP 8.2's array_slice walks the array from its start.
		$w = [];
		$m = &$this->m;
		for ( $i = $a >> 2; $i < $w1; $i++ ) {
			$w[] = $m[ $i ];
		}
		return substr( pack( 'V*', ...$w ), $a & 3, $len );
	}

	/** Writes $bytes into linear memory at $a. */
	public function write( int $a, string $bytes ): void {
		$len = strlen( $bytes );
		if ( 0 === $len ) {
			return;
		}
		if ( $a < 0 || $a + $len > ( $this->pages << 16 ) ) {
			self::oob();
		}
		$w0   = $a >> 2;
		$w1   = ( $a + $len + 3 ) >> 2;
		$head = $a & 3;
		$tail = ( $a + $len ) & 3;
		$m    = &$this->m;
		$pre  = 0 === $head ? '' : substr( pack( 'V', $m[ $w0 ] ), 0, $head );
		$post = 0 === $tail ? '' : substr( pack( 'V', $m[ $w1 - 1 ] ), $tail );
		$i    = $w0;
		foreach ( unpack( 'V*', $pre . $bytes . $post ) as $w ) {
			$m[ $i++ ] = $w;
		}
	}

	/** The word holding byte $a, an address that may lie outside 0 .. 2^32-1 (it wraps, as wasm's i32 does). */
	private function ldw( int $a ): int {
		return $this->m[ ( $a & 0xFFFFFFFF ) >> 2 ] ?? self::oob();
	}

	private function ld8( int $a ): int {
		return ( ( $this->m[ $a >> 2 ] ?? self::oob() ) >> ( ( $a & 3 ) << 3 ) ) & 0xFF;
	}

	private function st8( int $a, int $v ): void {
		$w = $a >> 2;
		if ( ! isset( $this->m[ $w ] ) ) {
			self::oob();
		}
		$s             = ( $a & 3 ) << 3;
		$this->m[ $w ] = ( $this->m[ $w ] & ~( 0xFF << $s ) ) | ( ( $v & 0xFF ) << $s );
	}

	private function ld16( int $a ): int {
		$w = $a >> 2;
		$s = ( $a & 3 ) << 3;
		if ( 24 !== $s ) {
			return ( ( $this->m[ $w ] ?? self::oob() ) >> $s ) & 0xFFFF;
		}
		return ( ( $this->m[ $w ] ?? self::oob() ) >> 24 ) | ( ( ( $this->m[ $w + 1 ] ?? self::oob() ) & 0xFF ) << 8 );
	}

	private function ld32( int $a ): int {
		$s = ( $a & 3 ) << 3;
		$w = $a >> 2;
		if ( 0 === $s ) {
			return $this->m[ $w ] ?? self::oob();
		}
		return ( ( ( $this->m[ $w ] ?? self::oob() ) >> $s ) | ( ( $this->m[ $w + 1 ] ?? self::oob() ) << ( 32 - $s ) ) ) & 0xFFFFFFFF;
	}

	// Unaligned: three words, shifted into place (PHP's << drops the bits above 64).
	private function ld64( int $a ): int {
		$w = $a >> 2;
		$s = ( $a & 3 ) << 3;
		if ( 0 === $s ) {
			return ( $this->m[ $w ] ?? self::oob() ) | ( ( $this->m[ $w + 1 ] ?? self::oob() ) << 32 );
		}
		return ( ( $this->m[ $w ] ?? self::oob() ) >> $s ) | ( ( $this->m[ $w + 1 ] ?? self::oob() ) << ( 32 - $s ) ) | ( ( $this->m[ $w + 2 ] ?? self::oob() ) << ( 64 - $s ) );
	}

	private function st16( int $a, int $v ): void {
		$w = $a >> 2;
		$s = ( $a & 3 ) << 3;
		if ( ! isset( $this->m[ ( $a + 1 ) >> 2 ] ) ) {
			self::oob();
		}
		if ( 24 !== $s ) {
			$this->m[ $w ] = ( $this->m[ $w ] & ~( 0xFFFF << $s ) ) | ( ( $v & 0xFFFF ) << $s );
			return;
		}
		$this->m[ $w ]     = ( $this->m[ $w ] & 0xFFFFFF ) | ( ( $v & 0xFF ) << 24 );
		$this->m[ $w + 1 ] = ( $this->m[ $w + 1 ] & 0xFFFFFF00 ) | ( ( $v >> 8 ) & 0xFF );
	}

	private function st32( int $a, int $v ): void {
		$w = $a >> 2;
		$s = ( $a & 3 ) << 3;
		if ( ! isset( $this->m[ $w ] ) || ( 0 !== $s && ! isset( $this->m[ $w + 1 ] ) ) ) {
			self::oob();
		}
		if ( 0 === $s ) {
			$this->m[ $w ] = $v;
			return;
		}
		$keep                = 0xFFFFFFFF >> ( 32 - $s );
		$this->m[ $w ]     = ( $this->m[ $w ] & $keep ) | ( ( $v << $s ) & 0xFFFFFFFF );
		$this->m[ $w + 1 ] = ( $this->m[ $w + 1 ] & ~$keep & 0xFFFFFFFF ) | ( $v >> ( 32 - $s ) );
	}

	// Unaligned: the value spans three words; the first keeps its low $s bits, the last its high ones.
	private function st64( int $a, int $v ): void {
		if ( ! isset( $this->m[ ( $a + 7 ) >> 2 ] ) ) {
			self::oob();
		}
		$w = $a >> 2;
		$s = ( $a & 3 ) << 3;
		if ( 0 === $s ) {
			$this->m[ $w ]     = $v & 0xFFFFFFFF;
			$this->m[ $w + 1 ] = ( $v >> 32 ) & 0xFFFFFFFF;
			return;
		}
		$keep              = 0xFFFFFFFF >> ( 32 - $s );
		$this->m[ $w ]     = ( $this->m[ $w ] & $keep ) | ( ( $v << $s ) & 0xFFFFFFFF );
		$this->m[ $w + 1 ] = ( $v >> ( 32 - $s ) ) & 0xFFFFFFFF;
		$this->m[ $w + 2 ] = ( $this->m[ $w + 2 ] & ~$keep & 0xFFFFFFFF ) | ( ( $v >> ( 64 - $s ) ) & $keep );
	}

	private static function mul32( int $a, int $b ): int {
		return ( ( ( ( $a * ( $b >> 16 ) ) & 0xFFFF ) << 16 ) + $a * ( $b & 0xFFFF ) ) & 0xFFFFFFFF;
	}

	private static function divs32( int $a, int $b ): int {
		$a = ( $a ^ 0x80000000 ) - 0x80000000;
		$b = ( $b ^ 0x80000000 ) - 0x80000000;
		if ( -2147483648 === $a && -1 === $b ) {
			self::trap( 'integer overflow' );
		}
		return intdiv( $a, $b ) & 0xFFFFFFFF;
	}

	private static function rems32( int $a, int $b ): int {
		return ( ( ( $a ^ 0x80000000 ) - 0x80000000 ) % ( ( $b ^ 0x80000000 ) - 0x80000000 ) ) & 0xFFFFFFFF;
	}

	private static function rotl32( int $a, int $n ): int {
		$n &= 31;
		return ( ( $a << $n ) | ( $a >> ( 32 - $n ) ) ) & 0xFFFFFFFF;
	}

	private static function rotr32( int $a, int $n ): int {
		$n &= 31;
		return ( ( $a >> $n ) | ( $a << ( 32 - $n ) ) ) & 0xFFFFFFFF;
	}

	private static function clz32( int $a ): int {
		if ( 0 === $a ) {
			return 32;
		}
		$n = 0;
		if ( 0 === ( $a & 0xFFFF0000 ) ) {
			$n += 16;
			$a <<= 16;
		}
		if ( 0 === ( $a & 0xFF000000 ) ) {
			$n += 8;
			$a <<= 8;
		}
		if ( 0 === ( $a & 0xF0000000 ) ) {
			$n += 4;
			$a <<= 4;
		}
		if ( 0 === ( $a & 0xC0000000 ) ) {
			$n += 2;
			$a <<= 2;
		}
		return 0 === ( $a & 0x80000000 ) ? $n + 1 : $n;
	}

	private static function ctz32( int $a ): int {
		if ( 0 === $a ) {
			return 32;
		}
		$n = 0;
		if ( 0 === ( $a & 0xFFFF ) ) {
			$n += 16;
			$a >>= 16;
		}
		if ( 0 === ( $a & 0xFF ) ) {
			$n += 8;
			$a >>= 8;
		}
		if ( 0 === ( $a & 0xF ) ) {
			$n += 4;
			$a >>= 4;
		}
		if ( 0 === ( $a & 0x3 ) ) {
			$n += 2;
			$a >>= 2;
		}
		return 0 === ( $a & 0x1 ) ? $n + 1 : $n;
	}

	private static function popcnt32( int $a ): int {
		$a -= ( $a >> 1 ) & 0x55555555;
		$a  = ( $a & 0x33333333 ) + ( ( $a >> 2 ) & 0x33333333 );
		$a  = ( $a + ( $a >> 4 ) ) & 0x0F0F0F0F;
		return ( ( $a * 0x01010101 ) & 0xFFFFFFFF ) >> 24;
	}

	private static function add64( int $a, int $b ): int {
		$r = $a + $b;
		if ( \is_int( $r ) ) {
			return $r;
		}
		return $a >= 0 ? ( $a + PHP_INT_MIN ) + $b + PHP_INT_MIN : ( $a - PHP_INT_MIN ) + $b - PHP_INT_MIN;
	}

	private static function sub64( int $a, int $b ): int {
		$r = $a - $b;
		if ( \is_int( $r ) ) {
			return $r;
		}
		return $a >= 0 ? ( $a + PHP_INT_MIN ) - $b + PHP_INT_MIN : ( $a - PHP_INT_MIN ) - $b - PHP_INT_MIN;
	}

	private static function mul64( int $a, int $b ): int {
		$r = $a * $b;
		if ( \is_int( $r ) ) {
			return $r;
		}
		$al = $a & 0xFFFFFFFF;
		$bl = $b & 0xFFFFFFFF;
		$p0 = $al * ( $bl & 0xFFFF );
		$p1 = $al * ( $bl >> 16 );
		$lo = ( $p0 & 0xFFFFFFFF ) + ( ( $p1 & 0xFFFF ) << 16 );
		$hi = ( $p0 >> 32 ) + ( $p1 >> 16 ) + ( $lo >> 32 ) + self::mul32( ( $a >> 32 ) & 0xFFFFFFFF, $bl ) + self::mul32( $al, ( $b >> 32 ) & 0xFFFFFFFF );
		return ( ( $hi & 0xFFFFFFFF ) << 32 ) | ( $lo & 0xFFFFFFFF );
	}

	private static function divu64( int $a, int $b ): int {
		if ( $a >= 0 && $b > 0 ) {
			return intdiv( $a, $b );
		}
		if ( 0 === $b ) {
			throw new \DivisionByZeroError( 'Division by zero' );
		}
		if ( $b < 0 ) {
			return ( $a ^ PHP_INT_MIN ) >= ( $b ^ PHP_INT_MIN ) ? 1 : 0;
		}
		$q = intdiv( ( $a >> 1 ) & PHP_INT_MAX, $b ) << 1;
		$r = self::sub64( $a, self::mul64( $q, $b ) );
		return ( $r ^ PHP_INT_MIN ) >= ( $b ^ PHP_INT_MIN ) ? $q + 1 : $q;
	}

	private static function remu64( int $a, int $b ): int {
		if ( $a >= 0 && $b > 0 ) {
			return $a % $b;
		}
		return self::sub64( $a, self::mul64( self::divu64( $a, $b ), $b ) );
	}

	private static function shru64( int $a, int $n ): int {
		$n &= 63;
		return 0 === $n ? $a : ( $a >> $n ) & ( PHP_INT_MAX >> ( $n - 1 ) );
	}

	private static function rotl64( int $a, int $n ): int {
		$n &= 63;
		return 0 === $n ? $a : ( $a << $n ) | self::shru64( $a, 64 - $n );
	}

	private static function rotr64( int $a, int $n ): int {
		$n &= 63;
		return 0 === $n ? $a : self::shru64( $a, $n ) | ( $a << ( 64 - $n ) );
	}

	private static function clz64( int $a ): int {
		if ( $a < 0 ) {
			return 0;
		}
		$h = $a >> 32;
		return 0 !== $h ? self::clz32( $h ) : 32 + self::clz32( $a );
	}

	private static function ctz64( int $a ): int {
		$l = $a & 0xFFFFFFFF;
		return 0 !== $l ? self::ctz32( $l ) : 32 + self::ctz32( ( $a >> 32 ) & 0xFFFFFFFF );
	}

	private static function popcnt64( int $a ): int {
		return self::popcnt32( $a & 0xFFFFFFFF ) + self::popcnt32( ( $a >> 32 ) & 0xFFFFFFFF );
	}

	private function grow( int $n ): int {
		$old = $this->pages;
		if ( $n > self::MAX_PAGES - $old ) {
			return 0xFFFFFFFF;
		}
		// A word costs 16 bytes of PHP memory: refuse (as wasm allows) rather than hit memory_limit, which is fatal.
		$ini   = (string) ini_get( 'memory_limit' );
		$limit = (int) $ini;
		$unit  = strtolower( substr( $ini, -1 ) );
		if ( 'g' === $unit ) {
			$limit *= 1073741824;
		} elseif ( 'm' === $unit ) {
			$limit *= 1048576;
		} elseif ( 'k' === $unit ) {
			$limit *= 1024;
		}
		if ( $limit > 0 && memory_get_usage() + ( ( $old + $n ) << 18 ) + ( $n << 18 ) > $limit ) {
			return 0xFFFFFFFF;
		}
		if ( $n > 0 ) {
			$this->m     = array_merge( $this->m, array_fill( 0, $n << 14, 0 ) );
			$this->pages = $old + $n;
		}
		return $old;
	}

	// Forward copies (no overlap, or the destination below the source) move the destination's
	// unaligned head and tail byte by byte and the rest a word at a time, each word shifted together
	// from two source words: the core's copies are mostly short and unaligned (string pieces), where
	// a string round trip costs more than the copy. An overlapping copy upwards goes backwards by
	// words when everything is aligned, else through one string (read() copies the source first).
	private function copy( int $d, int $s, int $n ): void {
		$end = $this->pages << 16;
		if ( $s + $n > $end || $d + $n > $end ) {
			self::oob();
		}
		if ( 0 === $n || $d === $s ) {
			return;
		}
		$m = &$this->m;
		if ( 0 === ( ( $d | $s | $n ) & 3 ) && ( $d < $s || $d >= $s + $n ) ) {
			// Word-aligned and forward-safe (the core's struct moves): word by word, nothing else.
			$dw = $d >> 2;
			$sw = $s >> 2;
			for ( $e = $sw + ( $n >> 2 ); $sw < $e; ) {
				$m[ $dw++ ] = $m[ $sw++ ];
			}
			return;
		}
		if ( 1 === $n ) {
			$x             = ( $d & 3 ) << 3;
			$w             = $d >> 2;
			$m[ $w ] = ( $m[ $w ] & ~( 0xFF << $x ) ) | ( ( ( $m[ $s >> 2 ] >> ( ( $s & 3 ) << 3 ) ) & 0xFF ) << $x );
			return;
		}
		if ( $n <= 8 ) {
			// Up to 8 bytes (most of the core's copies: string pieces, at any alignment): read as one
			// 64-bit value from the source's two or three words, then merged into the destination's under
			// masks. The source is read whole before anything is written, so overlap needs no care.
			$ss = ( $s & 3 ) << 3;
			$sw = $s >> 2;
			$v  = ( $m[ $sw ] >> $ss ) | ( ( $m[ $sw + 1 ] ?? 0 ) << ( 32 - $ss ) ) | ( ( $m[ $sw + 2 ] ?? 0 ) << ( 64 - $ss ) );
			$ds = ( $d & 3 ) << 3;
			$dw = $d >> 2;
			$e  = $ds + ( $n << 3 );
			if ( $e <= 32 ) {
				$k        = ( ( 1 << ( $n << 3 ) ) - 1 ) << $ds;
				$m[ $dw ] = ( $m[ $dw ] & ~$k ) | ( ( $v << $ds ) & $k );
				return;
			}
			$k        = ( 0xFFFFFFFF << $ds ) & 0xFFFFFFFF;
			$m[ $dw ] = ( $m[ $dw ] & ~$k ) | ( ( $v << $ds ) & $k );
			if ( $e <= 64 ) {
				$k            = ( 1 << ( $e - 32 ) ) - 1;
				$m[ $dw + 1 ] = ( $m[ $dw + 1 ] & ~$k ) | ( ( $v >> ( 32 - $ds ) ) & $k );
				return;
			}
			$m[ $dw + 1 ] = ( $v >> ( 32 - $ds ) ) & 0xFFFFFFFF;
			$k            = ( 1 << ( $e - 64 ) ) - 1;
			$m[ $dw + 2 ] = ( $m[ $dw + 2 ] & ~$k ) | ( ( $v >> ( 64 - $ds ) ) & $k );
			return;
		}
		if ( $d > $s && $d < $s + $n ) {
			if ( 0 !== ( ( $d | $s | $n ) & 3 ) ) {
				$this->write( $d, $this->read( $s, $n ) );
				return;
			}
			$dw = $d >> 2;
			$sw = $s >> 2;
			for ( $i = ( $n >> 2 ) - 1; $i >= 0; $i-- ) {
				$m[ $dw + $i ] = $m[ $sw + $i ];
			}
			return;
		}
		// The destination's unaligned head (1-3 bytes; n > 8 here) merged from one 32-bit read of the source.
		$x = ( $d & 3 ) << 3;
		if ( 0 !== $x ) {
			$ss      = ( $s & 3 ) << 3;
			$sw      = $s >> 2;
			$v       = ( $m[ $sw ] >> $ss ) | ( ( $m[ $sw + 1 ] ?? 0 ) << ( 32 - $ss ) );
			$w       = $d >> 2;
			$k       = ( 0xFFFFFFFF << $x ) & 0xFFFFFFFF;
			$m[ $w ] = ( $m[ $w ] & ~$k ) | ( ( $v << $x ) & $k );
			$x       = 4 - ( $x >> 3 );
			$d      += $x;
			$s      += $x;
			$n      -= $x;
		}
		$k  = $n >> 2;
		$dw = $d >> 2;
		$sw = $s >> 2;
		$sh = ( $s & 3 ) << 3;
		if ( 0 === $sh ) {
			for ( $i = 0; $i < $k; $i++ ) {
				$m[ $dw + $i ] = $m[ $sw + $i ];
			}
		} elseif ( $k > 0 ) {
			// Source word $sw + $i + 1 is read before destination word $dw + $i (<= $sw + $i) is written.
			$rs  = 32 - $sh;
			$cur = $m[ $sw ];
			for ( $i = 0; $i < $k; $i++ ) {
				$nx                   = $m[ $sw + $i + 1 ];
				$m[ $dw + $i ] = ( ( $cur >> $sh ) | ( $nx << $rs ) ) & 0xFFFFFFFF;
				$cur                  = $nx;
			}
		}
		$d += $k << 2;
		$s += $k << 2;
		$n &= 3;
		if ( $n > 0 ) {
			// The tail (1-3 bytes) likewise, into the now word-aligned destination.
			$ss      = ( $s & 3 ) << 3;
			$sw      = $s >> 2;
			$v       = ( $m[ $sw ] >> $ss ) | ( ( $m[ $sw + 1 ] ?? 0 ) << ( 32 - $ss ) );
			$w       = $d >> 2;
			$k       = ( 1 << ( $n << 3 ) ) - 1;
			$m[ $w ] = ( $m[ $w ] & ~$k ) | ( $v & $k );
		}
	}

	private function fill( int $d, int $v, int $n ): void {
		if ( $d + $n > ( $this->pages << 16 ) ) {
			self::oob();
		}
		if ( 0 !== ( ( $d | $n ) & 3 ) ) {
			$this->write( $d, str_repeat( \chr( $v & 0xFF ), $n ) );
			return;
		}
		$k  = $n >> 2;
		$dw = $d >> 2;
		$w  = ( $v & 0xFF ) * 0x01010101;
		for ( $i = 0; $i < $k; $i++ ) {
			$this->m[ $dw + $i ] = $w;
		}
	}

	private function init( int $seg, int $d, int $s, int $n ): void {
		$data = $this->data[ $seg ];
		if ( $s + $n > strlen( $data ) || $d + $n > ( $this->pages << 16 ) ) {
			self::oob();
		}
		$this->write( $d, substr( $data, $s, $n ) );
	}
"#;
