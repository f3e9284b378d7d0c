# Which WordPress (and WooCommerce) a local copy is made from. Sourced by bin/lib.sh.
#
#   current  WordPress 7.0.4 + WooCommerce 11.0.1, from the archives in AIPKIT_VENDOR_DIR (the default when
#            they are there)
#   legacy   Debian's WordPress 6.1.9 + WooCommerce 7.9.0 (archive): the oldest stack the plugin supports
#   debian   Debian's WordPress 6.1.9 without WooCommerce (the fallback without archives)
#
# The archives are third-party releases kept outside the repository (../shared/vendor by default); they are
# checked against their SHA256SUMS and unpacked once into $AIPKIT_CACHE/vendor/<name>-<sha12>/.
# shellcheck shell=bash

_vendor="${AIPKIT_VENDOR_DIR:-../shared/vendor}"
case "$_vendor" in /*) ;; *) _vendor="$AIPKIT_ROOT/$_vendor" ;; esac
AIPKIT_VENDOR_DIR="$(cd "$_vendor" 2>/dev/null && pwd || echo "$_vendor")"
export AIPKIT_VENDOR_DIR
unset _vendor

STACK_WP_VERSION=7.0.4
STACK_WC_VERSION=11.0.1
STACK_WC_LEGACY_VERSION=7.9.0

vendor_archive() { echo "$AIPKIT_VENDOR_DIR/$1.tar.xz"; }
vendor_has() { [ -f "$(vendor_archive "$1")" ]; }

# vendor_unpack NAME: prints the folder holding NAME's unpacked tree (the archive's single top folder),
# unpacking it on first use. Concurrent runs unpack side by side and the first rename wins.
vendor_unpack() {
  local name="$1" archive sum dest tmp
  archive=$(vendor_archive "$name")
  [ -f "$archive" ] || die "$archive not found (set AIPKIT_VENDOR_DIR to the folder holding $name.tar.xz)"
  command -v xz >/dev/null || die "xz not found; run bin/install-deps (installs xz-utils)"
  sum=$(sha256sum "$archive" | cut -d' ' -f1)
  if [ -f "$AIPKIT_VENDOR_DIR/SHA256SUMS" ] && grep -q " $name.tar.xz\$" "$AIPKIT_VENDOR_DIR/SHA256SUMS" \
     && ! grep -q "^$sum  $name.tar.xz\$" "$AIPKIT_VENDOR_DIR/SHA256SUMS"; then
    die "$archive does not match its checksum in $AIPKIT_VENDOR_DIR/SHA256SUMS"
  fi
  dest="$AIPKIT_CACHE/vendor/$name-${sum:0:12}"
  if [ ! -f "$dest/.complete" ]; then
    mkdir -p "$AIPKIT_CACHE/vendor" || die "cannot create $AIPKIT_CACHE/vendor"
    tmp=$(mktemp -d "$AIPKIT_CACHE/vendor/.unpack.XXXXXX")
    tar -C "$tmp" -xJf "$archive" || { rm -rf "$tmp"; die "cannot unpack $archive"; }
    mv "$tmp/$name" "$tmp/tree" 2>/dev/null || { rm -rf "$tmp"; die "$archive does not hold a folder $name/"; }
    touch "$tmp/.complete"
    mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"
  fi
  echo "$dest/tree"
}

stack_available() {
  case "$1" in
    current) vendor_has "wordpress-$STACK_WP_VERSION" && vendor_has "woocommerce-$STACK_WC_VERSION" ;;
    legacy) vendor_has "woocommerce-$STACK_WC_LEGACY_VERSION" ;;
    debian) return 0 ;;
    *) return 1 ;;
  esac
}

# The stack new copies are made from: AIPKIT_STACK when set, else current when its archives are there.
stack_default() {
  if [ -n "${AIPKIT_STACK:-}" ]; then
    case "$AIPKIT_STACK" in current|legacy|debian) ;; *) die "AIPKIT_STACK must be current, legacy or debian (not '$AIPKIT_STACK')" ;; esac
    stack_available "$AIPKIT_STACK" || die "AIPKIT_STACK=$AIPKIT_STACK needs archives missing from $AIPKIT_VENDOR_DIR"
    echo "$AIPKIT_STACK"
  elif stack_available current; then
    echo current
  else
    echo debian
  fi
}

# One line for people: what a stack is made of.
stack_label() {
  case "$1" in
    current) echo "WordPress $STACK_WP_VERSION + WooCommerce $STACK_WC_VERSION" ;;
    legacy) echo "WordPress $(debian_wp_version) (Debian) + WooCommerce $STACK_WC_LEGACY_VERSION" ;;
    debian) echo "WordPress $(debian_wp_version) (Debian), without WooCommerce" ;;
  esac
}

# Printed once by npm start when the default falls back to Debian's WordPress.
stack_fallback_note() {
  echo "note: WordPress $STACK_WP_VERSION and WooCommerce $STACK_WC_VERSION archives not found in $AIPKIT_VENDOR_DIR: using Debian's WordPress $(debian_wp_version) without WooCommerce (set AIPKIT_VENDOR_DIR to the folder holding wordpress-$STACK_WP_VERSION.tar.xz and woocommerce-$STACK_WC_VERSION.tar.xz)"
}

debian_wp_version() { sed -n "s/^\$wp_version = '\(.*\)';/\1/p" /usr/share/wordpress/wp-includes/version.php 2>/dev/null; }

# stack_wp_source STACK: the WordPress tree copies of STACK are made from.
stack_wp_source() {
  case "$1" in
    current) vendor_unpack "wordpress-$STACK_WP_VERSION" ;;
    *) [ -d /usr/share/wordpress ] || die "/usr/share/wordpress missing; run bin/install-deps"
       echo /usr/share/wordpress ;;
  esac
}

# stack_wc_source STACK: the WooCommerce tree of STACK (nothing for debian).
stack_wc_source() {
  case "$1" in
    current) vendor_unpack "woocommerce-$STACK_WC_VERSION" ;;
    legacy) vendor_unpack "woocommerce-$STACK_WC_LEGACY_VERSION" ;;
  esac
}
