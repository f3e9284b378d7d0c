<?php
namespace AipkitUsage\Admin;

defined( 'ABSPATH' ) || exit;

/**
 * Scripts built by @wordpress/scripts use the automatic JSX runtime, which WordPress only ships
 * (as the `react-jsx-runtime` script, global ReactJSXRuntime) since 6.6. On older WordPress
 * (Debian's 6.1) the dependency would be missing and WordPress would silently drop our script.
 * This registers a tiny equivalent built on the site's own React: jsx(type, props, key) is
 * createElement(type, {...props, key}), because createElement keeps props.children as given.
 */
final class JsxRuntimeShim {
	public const HANDLE = 'react-jsx-runtime';

	public static function ensure(): void {
		if ( wp_script_is( self::HANDLE, 'registered' ) ) {
			return;
		}
		wp_register_script( self::HANDLE, false, [ 'react' ], AIPKIT_USAGE_VERSION, true );
		wp_add_inline_script( self::HANDLE, self::source() );
	}

	public static function source(): string {
		return <<<'JS'
( function ( React ) {
	if ( window.ReactJSXRuntime ) { return; }
	function jsx( type, props, key ) {
		var config = props || {};
		if ( key !== undefined ) {
			config = Object.assign( {}, config, { key: key } );
		}
		return React.createElement( type, config );
	}
	window.ReactJSXRuntime = { jsx: jsx, jsxs: jsx, jsxDEV: jsx, Fragment: React.Fragment };
} )( window.React );
JS;
	}
}
