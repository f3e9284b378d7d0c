// Extends @wordpress/scripts' default config: one entry per admin script that exists, output to the plugin.
const path = require('path');
const fs = require('fs');
const defaultConfig = require('@wordpress/scripts/config/webpack.config');

const candidates = {
	admin: './js/admin/index.js',
	dashboard: './js/dashboard/index.js',
};
const entry = Object.fromEntries(
	Object.entries(candidates).filter(([, file]) => fs.existsSync(path.resolve(__dirname, file)))
);

const base = Array.isArray(defaultConfig) ? defaultConfig[0] : defaultConfig;

module.exports = {
	...base,
	entry,
	output: {
		...base.output,
		path: path.resolve(__dirname, 'php-bridge/build'),
	},
	experiments: { ...(base.experiments || {}), asyncWebAssembly: true },
};
