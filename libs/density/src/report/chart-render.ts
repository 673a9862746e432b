import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { DensityErrorCode, DensityException } from '../density.exception';

/*
 * Renders a Vega-Lite spec to SVG (vega + vega-lite, headless, renderer "none") and SVG to PNG (resvg).
 * vega and vega-lite are ESM-only and vega's module graph has top-level await, so they can only be loaded
 * with import(), which tsc (module node16) keeps as a real dynamic import. Jest cannot run that without
 * --experimental-vm-modules, so the tests render in a child node process (see chart-render.spec.ts).
 * This file may import only packages and relative paths (the tests load it outside jest).
 */

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  try {
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (error) {
    throw new DensityException(DensityErrorCode.RenderFailed, `chart to SVG failed: ${(error as Error).message}`);
  }
}

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: the SVG's own width. */
  width?: number;
  /** Font family for generic families (text needs an installed font). Default 'DejaVu Sans'. */
  fontFamily?: string;
}

export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  try {
    const family = opts.fontFamily ?? 'DejaVu Sans';
    const resvg = new Resvg(svg, {
      fitTo: opts.width ? { mode: 'width', value: opts.width } : { mode: 'original' },
      font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family },
      background: 'white',
    });
    return resvg.render().asPng();
  } catch (error) {
    throw new DensityException(DensityErrorCode.RenderFailed, `SVG to PNG failed: ${(error as Error).message}`);
  }
}

export async function renderChart(spec: TopLevelSpec, format: 'svg'): Promise<string>;
export async function renderChart(spec: TopLevelSpec, format: 'png', opts?: PngOptions): Promise<Buffer>;
export async function renderChart(spec: TopLevelSpec, format: 'svg' | 'png', opts: PngOptions = {}): Promise<string | Buffer> {
  const svg = await renderSvg(spec);
  return format === 'svg' ? svg : svgToPng(svg, opts);
}
