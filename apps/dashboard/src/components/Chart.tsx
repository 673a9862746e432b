import { useEffect, useRef, useState } from 'react';
import embed, { Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { saveBlob } from '../api';

/** A Vega-Lite chart (vega-embed, bundled) with SVG and PNG downloads of what is drawn. */
export function Chart({ spec, name, label }: { spec: Record<string, unknown>; name: string; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Result['view'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let result: Result | null = null;
    let cancelled = false;
    // Vega's expressions interpreted, not compiled with new Function: the API's Content-Security-Policy allows no eval.
    embed(el.current!, spec as never, { actions: false, renderer: 'svg', ast: true, expr: expressionInterpreter })
      .then((r) => (cancelled ? r.finalize() : ((result = r), setView(r.view))))
      .catch((e: Error) => setError(e.message));
    return () => {
      cancelled = true;
      result?.finalize();
    };
  }, [spec]);
  const save = async (type: 'svg' | 'png') => {
    if (!view) return;
    if (type === 'svg') saveBlob(new Blob([await view.toSVG()], { type: 'image/svg+xml' }), `${name}.svg`);
    else saveBlob(await (await fetch(await view.toImageURL('png', 2))).blob(), `${name}.png`);
  };
  return (
    <figure className="chart" aria-label={label}>
      <div ref={el} className="chart-canvas" data-chart={name} />
      {error && <p role="alert">chart not drawn: {error}</p>}
      <figcaption>
        <button type="button" onClick={() => void save('svg')} disabled={!view}>Download {label} as SVG</button>{' '}
        <button type="button" onClick={() => void save('png')} disabled={!view}>Download {label} as PNG</button>
      </figcaption>
    </figure>
  );
}
