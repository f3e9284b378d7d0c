/**
 * Chart.js with only the parts a grouped bar chart needs (tree-shaken: see js/README.md). Loaded
 * on demand by ActivityChart, so the other screens never download it.
 */
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	Tooltip,
} from 'chart.js';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	Tooltip,
	Legend
);

export default Chart;
