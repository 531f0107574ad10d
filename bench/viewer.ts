// npm run bench:viewer — the viewer webview in headless Chromium with software WebGL2 (SwiftShader), fed by the
// test harness's stand-in host: time from the init message's arrival to the first frame on the GPU, and the time a
// slice change takes (key press → frame drawn and finished on the GPU), for ch2better (301×370×316 uint8, 35 M
// voxels) and a synthetic BraTS-size 240×240×155×4 float32 volume. Times are taken inside the page with
// performance.now(); the GPU is made to finish with a 1-pixel readPixels in the frame event.
import { DEFAULT_EDITOR_SETTINGS } from '../src/core/viewer-protocol/messages';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { machineSummary, median, p95, printTable } from './report';
import type { NiftiVolume } from '../src/core/nifti';
import { ViewerHarness, type ViewerPage } from '../test/webview-harness';
import { documentFromFile, documentFromVolume, type StandInDocument } from '../test/webview-host';

const FIRST_FRAME_RUNS = Number(process.env.SWINFUSE_BENCH_RUNS ?? 3);
const SLICE_STEPS = Number(process.env.SWINFUSE_BENCH_STEPS ?? 60);
const SLICE_PAUSE_MS = Number(process.env.SWINFUSE_BENCH_PAUSE_MS ?? 50);
const ch2better = process.env.SWINFUSE_BENCH_FILE ?? resolve(process.cwd(), '..', 'shared', 'fixtures', 'real', 'ch2better.nii.gz');

function synthetic(): NiftiVolume {
  const [X, Y, Z, C] = [240, 240, 155, 4];
  const n = X * Y * Z;
  const data = new Float32Array(n * C);
  for (let c = 0; c < C; c++) for (let k = 0; k < Z; k++) for (let j = 0; j < Y; j++) for (let i = 0; i < X; i++) {
    const r = ((i - 120) / 80) ** 2 + ((j - 125) / 100) ** 2 + ((k - 75) / 65) ** 2;
    if (r <= 1) data[c * n + i + X * (j + Y * k)] = 300 + 200 * c + 100 * Math.sin(i / 9 + c) * Math.cos(j / 7 - k / 11);
  }
  const affine = [[-1, 0, 0, 120], [0, -1, 0, 120], [0, 0, 1, -77], [0, 0, 0, 1]]; // LPS, as BraTS files are
  return { shape: [X, Y, Z, C], datatype: 'float32', data, scaling: null, affine, axcodes: 'LPS', file: 'synthetic', header: {} } as unknown as NiftiVolume;
}


/** Installs, in the page, a one-shot frame listener that finishes the GPU work and records when it was done. */
async function armFrameProbe(viewer: ViewerPage): Promise<void> {
  await viewer.page.evaluate(() => {
    const w = window as unknown as { __probe?: Promise<{ start: number; end: number; done: number }> };
    w.__probe = new Promise((resolveProbe) => {
      window.addEventListener('swinfuse-viewer-frame', (e) => {
        const gl = (document.getElementById('swv-canvas') as HTMLCanvasElement).getContext('webgl2')!;
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
        const detail = (e as CustomEvent<{ start: number; end: number }>).detail;
        resolveProbe({ start: detail.start, end: detail.end, done: performance.now() });
      }, { once: true });
    });
  });
}

async function firstFrame(harness: ViewerHarness, doc: StandInDocument): Promise<{ toGpu: number; reported: number }> {
  const viewer = await harness.open(doc, { width: 1280, height: 800 });
  try {
    await viewer.stage(doc.init); // voxels moved into the page beforehand: the clock starts when the message arrives
    await armFrameProbe(viewer);
    const t0 = await viewer.page.evaluate(() => (window as unknown as { __deliverStaged(): number }).__deliverStaged());
    const probe = await viewer.page.evaluate(() => (window as unknown as { __probe: Promise<{ done: number }> }).__probe);
    const [rendered] = await viewer.waitForMessage('rendered');
    return { toGpu: probe.done - t0, reported: rendered!.type === 'rendered' ? rendered!.msFromInit : NaN };
  } finally {
    await viewer.close();
  }
}

interface SliceTimes { latency: number[]; work: number[] }

/** Slice changes by key presses over one view: key event → frame drawn → GPU finished. */
async function sliceChanges(viewer: ViewerPage, view: string): Promise<SliceTimes> {
  const pane = await viewer.paneBox(view);
  await viewer.act(() => viewer.page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 3));
  return viewer.page.evaluate(async ({ steps, pauseMs }) => {
    const latency: number[] = [];
    const work: number[] = [];
    const canvas = document.getElementById('swv-canvas') as HTMLCanvasElement;
    const gl = canvas.getContext('webgl2')!;
    for (let s = 0; s < steps; s++) {
      const key = s % 2 === 0 ? 'ArrowUp' : 'ArrowDown';
      const frame = new Promise<{ start: number; done: number }>((done) => {
        window.addEventListener('swinfuse-viewer-frame', (e) => {
          gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
          done({ start: (e as CustomEvent<{ start: number }>).detail.start, done: performance.now() });
        }, { once: true });
      });
      const t0 = performance.now();
      window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      const f = await frame;
      latency.push(f.done - t0);
      work.push(f.done - f.start);
      await new Promise((r) => setTimeout(r, pauseMs)); // let the compositor finish the last frame
    }
    return { latency, work };
  }, { steps: SLICE_STEPS, pauseMs: SLICE_PAUSE_MS });
}

async function main(): Promise<void> {
  const harness = await ViewerHarness.start();
  const rows: string[][] = [];
  try {
    const probe = await harness.browser.newPage();
    const renderer = await probe.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl ? String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : 'no WebGL2';
    });
    await probe.close();
    const cases: { name: string; make: () => Promise<StandInDocument> }[] = [];
    if (existsSync(ch2better)) cases.push({ name: 'ch2better 301×370×316 uint8', make: () => documentFromFile(ch2better, { settings: { layout: '1x3' } }) });
    else console.warn(`skipping ch2better: ${ch2better} not found`);
    const synth = synthetic();
    cases.push({ name: 'synthetic 240×240×155×4 float32', make: async () => documentFromVolume(synth, 'synthetic.nii', { settings: { layout: '1x3' } }) });
    for (const c of cases) {
      const doc = await c.make();
      const first: { toGpu: number; reported: number }[] = [];
      for (let r = 0; r < FIRST_FRAME_RUNS; r++) first.push(await firstFrame(harness, doc));
      rows.push([c.name, 'init → first frame on GPU', `${median(first.map((f) => f.toGpu)).toFixed(1)} ms`, '',
        `median of ${FIRST_FRAME_RUNS} page loads (viewer's own msFromInit ${median(first.map((f) => f.reported)).toFixed(1)} ms)`]);
      for (const layout of ['1x3', '2x2'] as const) {
        const viewer = await harness.open(doc, { width: 1280, height: 800 });
        try {
          await viewer.init();
          if (layout === '2x2') await viewer.act(() => viewer.deliver({ type: 'settings', settings: { convention: 'radiological', layout, editor: DEFAULT_EDITOR_SETTINGS } }));
          for (const view of layout === '1x3' ? ['axial', 'coronal', 'sagittal'] : ['sagittal']) {
            const t = await sliceChanges(viewer, view);
            rows.push([c.name, `slice change, ${view} (${layout}${layout === '2x2' ? ' with 3D' : ''})`,
              `${median(t.work).toFixed(2)} ms`, `${p95(t.work).toFixed(2)} ms`,
              `key → GPU done incl. wait for the animation frame: median ${median(t.latency).toFixed(1)}, p95 ${p95(t.latency).toFixed(1)} ms`]);
          }
          if (viewer.errors.length) throw new Error(viewer.errors.join('; '));
        } finally {
          await viewer.close();
        }
      }
    }
    console.log('bench:viewer — headless Chromium, software WebGL2; 1280×800 viewport, device pixel ratio 1');
    console.log(`machine: ${machineSummary()}; `
      + `Chromium ${harness.browser.version()}; WebGL renderer: ${renderer}`);
    console.log(`slice change: ${SLICE_STEPS} key presses per view, ${SLICE_PAUSE_MS} ms apart; "frame" = rAF callback start → drawn and finished on the GPU (readPixels)`);
    const header = ['volume', 'what', 'median (frame)', 'p95 (frame)', 'notes'];
    printTable(header, rows);
  } finally {
    await harness.close();
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
