/**
 * True while the panel is short: a bottom-docked toolbox is about 250 px tall (Firefox's default,
 * and Chrome's when dragged low). The problem strip then keeps to one line, so the request list
 * and the card's verdict stay in sight without scrolling.
 */
import { useEffect, useState } from 'preact/hooks';

const SHORT = '(max-height: 360px)';

export function useShortPanel(): boolean {
  const [short, setShort] = useState(() => matchMedia(SHORT).matches);
  useEffect(() => {
    const query = matchMedia(SHORT);
    const changed = () => setShort(query.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return short;
}
