import { __, sprintf } from '@wordpress/i18n';

/**
 * The shop's credit packages: name (linked to the product editor), credits per unit, price, status.
 *
 * @param {Object}   props
 * @param {Object[]} props.products      Rows from GET /woocommerce.
 * @param {string}   props.newProductUrl Where "Add a credit package" leads.
 */
export default function CreditProducts( { products, newProductUrl } ) {
	if ( ! products.length ) {
		return (
			<div className="aipkit-usage-woocommerce__products-empty">
				<p>
					{ __(
						'No product is sold as a credit package yet. Open a product (or add one), go to Product data > AI Puffer: Credit Package, tick “Sell this product as an AI Puffer credit package” and enter the Credits Granted Per Quantity.',
						'aipkit-usage'
					) }
				</p>
				{ newProductUrl && (
					<a className="button" href={ newProductUrl }>
						{ __( 'Add a product', 'aipkit-usage' ) }
					</a>
				) }
			</div>
		);
	}
	return (
		<table className="widefat striped aipkit-usage-woocommerce__products">
			<thead>
				<tr>
					<th scope="col">{ __( 'Product', 'aipkit-usage' ) }</th>
					<th scope="col">
						{ __( 'AI credits per unit', 'aipkit-usage' ) }
					</th>
					<th scope="col">{ __( 'Price', 'aipkit-usage' ) }</th>
					<th scope="col">{ __( 'Status', 'aipkit-usage' ) }</th>
				</tr>
			</thead>
			<tbody>
				{ products.map( ( p ) => (
					<tr key={ p.id }>
						<td>
							<a href={ p.edit_url }>{ p.name }</a>
							{ p.type === 'variable' && (
								<span className="aipkit-usage-muted">
									{ ' ' }
									{ __( '(variable)', 'aipkit-usage' ) }
								</span>
							) }
						</td>
						<td>
							{ p.credits.length
								? p.credits.join( ', ' )
								: __( 'not set', 'aipkit-usage' ) }
						</td>
						<td>
							{ p.type === 'variable'
								? sprintf(
										/* translators: %s: lowest price */
										__( 'from %s', 'aipkit-usage' ),
										p.price
									)
								: p.price }
						</td>
						<td>{ p.status }</td>
					</tr>
				) ) }
			</tbody>
		</table>
	);
}
