/**
 * Text with the search words marked. The text is never parsed as HTML: it is cut into plain
 * string pieces and the matches are wrapped in <mark> elements, so React escapes every piece
 * (escape first, then highlight).
 *
 * Each word comes with the way the search matched it (SearchTerms::highlight on the server):
 * `start` = at the start of a word, `whole` = a whole word, `any` = anywhere.
 */

const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';

function escapeRegExp( s ) {
	return s.replace( /[.*+?^${}()|[\]\\]/g, '\\$&' );
}

/**
 * @param {Array<{word: string, mode: string}>} marks The words and how they match.
 * @return {RegExp|null} One case-insensitive pattern for all words, or null when there are none.
 */
export function markPattern( marks ) {
	const parts = ( marks || [] )
		.filter( ( m ) => m && m.word )
		// Longer words first, so "invoice" wins over "in" where both match.
		.sort( ( a, b ) => b.word.length - a.word.length )
		.map( ( m ) => {
			const w = escapeRegExp( m.word );
			if ( m.mode === 'whole' ) {
				return `(?<!${ WORD_CHAR })${ w }(?!${ WORD_CHAR })`;
			}
			if ( m.mode === 'start' ) {
				return `(?<!${ WORD_CHAR })${ w }`;
			}
			return w;
		} );
	return parts.length ? new RegExp( parts.join( '|' ), 'giu' ) : null;
}

/**
 * @param {Object}                              props
 * @param {string}                              props.text  Plain text (a message or reply).
 * @param {Array<{word: string, mode: string}>} props.marks Words to mark.
 */
export default function Highlight( { text, marks } ) {
	const re = markPattern( marks );
	const s = String( text || '' );
	if ( ! re ) {
		return s;
	}
	const out = [];
	let last = 0;
	let m;
	while ( ( m = re.exec( s ) ) !== null ) {
		if ( m[ 0 ] === '' ) {
			re.lastIndex++;
			continue;
		}
		if ( m.index > last ) {
			out.push( s.slice( last, m.index ) );
		}
		out.push(
			<mark key={ m.index } className="aipkit-logs__mark">
				{ m[ 0 ] }
			</mark>
		);
		last = m.index + m[ 0 ].length;
	}
	if ( last < s.length ) {
		out.push( s.slice( last ) );
	}
	return <>{ out }</>;
}
