// The viewer's settings (swinfuse.viewer.*), read with defaults so a hand-edited, invalid value never reaches the
// webview: it falls back to the default and the log says so.
import type { Convention, Layout, ViewerSettings } from '../../core/viewer-protocol/messages';
import type { Logger } from './host-ports';

export const DEFAULT_VIEWER_SETTINGS: ViewerSettings = { convention: 'radiological', layout: '2x2' };

const CONVENTIONS: readonly Convention[] = ['radiological', 'neurological'];
const LAYOUTS: readonly Layout[] = ['1x1', '1x3', '2x2'];

/** `get` reads one key of the `swinfuse.viewer` section (WorkspaceConfiguration.get). */
export function readViewerSettings(get: (key: string) => unknown, log?: Logger): ViewerSettings {
  return {
    convention: pick(get('convention'), CONVENTIONS, DEFAULT_VIEWER_SETTINGS.convention, 'convention', log),
    layout: pick(get('layout'), LAYOUTS, DEFAULT_VIEWER_SETTINGS.layout, 'layout', log),
  };
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T, key: string, log?: Logger): T {
  if (value === undefined || value === null) return fallback;
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  log?.warn(`swinfuse.viewer.${key}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}; using ${fallback}`);
  return fallback;
}
