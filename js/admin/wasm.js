/**
 * Loads the core compiled to WebAssembly (pkg/web, copied to php-bridge/build/wasm/ by
 * bin/build-admin) once per page and returns its module.
 *
 * The glue is imported at run time from the URL the server passes (webpackIgnore): the admin
 * bundle then builds without pkg/ and the wasm file is served from the plugin as application/wasm.
 */
let loading = null;

export function loadCore( boot = window.aipkitUsageAdmin || {} ) {
	if ( ! loading ) {
		loading = ( async () => {
			if ( ! boot.wasmUrl || ! boot.wasmGlueUrl ) {
				throw new Error(
					'The WebAssembly core is not built (php-bridge/build/wasm is missing): run "npm run build".'
				);
			}
			const core = await import(
				/* webpackIgnore: true */ boot.wasmGlueUrl
			);
			await core.default( { module_or_path: boot.wasmUrl } );
			return core;
		} )();
		// A failed load may succeed later (e.g. after a rebuild); do not cache the failure.
		loading.catch( () => {
			loading = null;
		} );
	}
	return loading;
}
