// npm run bench:edit — mask editing in the viewer webview (headless Chromium, software WebGL2, the test harness's
// stand-in host) on ch2better (301×370×316, 35 M voxels):
//   (a) brush strokes: pointermove → the frame that shows the dab drawn and finished on the GPU (2D disk, 3D sphere);
//   (b) a host undo (the inverse maskEdit) of a 10,000-voxel stroke: message arrival → pixels on the GPU;
//   (c) JS heap growth of the webview over 1,000 strokes (after forced GCs, CDP Runtime.getHeapUsage).
// One function per measurement, each returning rows, so host-side figures can be added beside them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { machineSummary, median, p95, printTable } from './report';
import { composeEdits, disk, editBytes, editFromChanges, EMPTY_EDIT, encodeEdit, invertEdit, setValues, sphere } from '../src/core/labels';
import type { MaskChange } from '../src/extension/viewer/document-mask';
import { NiftiDocument } from '../src/extension/viewer/nifti-document';
import { FileUri, testHost } from '../test/helpers/viewer-host';
import { ViewerHarness, type ViewerPage } from '../test/webview-harness';
import { documentFromFile, type StandInDocument } from '../test/webview-host';

const MOVES = Number(process.env.SWINFUSE_BENCH_MOVES ?? 120);
const UNDO_RUNS = Number(process.env.SWINFUSE_BENCH_UNDOS ?? 20);
const HEAP_STROKES = Number(process.env.SWINFUSE_BENCH_STROKES ?? 1000);
const ch2better = process.env.SWINFUSE_BENCH_FILE ?? resolve(process.cwd(), '..', 'shared', 'fixtures', 'real', 'ch2better.nii.gz');

type Row = [what: string, median: string, p95: string, notes: string];

const ms = (v: number) => `${v.toFixed(2)} ms`;

async function openViewer(harness: ViewerHarness, doc: StandInDocument): Promise<ViewerPage> {
  const viewer = await harness.open(doc, { width: 1280, height: 800 });
  await viewer.init();
  return viewer;
}

/** In the page: for each pointermove, the first frame after it (drawn, then GPU finished by a 1-pixel readPixels). */
async function armMoveProbe(viewer: ViewerPage): Promise<void> {
  await viewer.page.evaluate(() => {
    const w = window as unknown as { __moves: { latency: number; work: number }[] };
    w.__moves = [];
    let pending: number | null = null;
    window.addEventListener('pointermove', () => { pending ??= performance.now(); }, { capture: true });
    window.addEventListener('swinfuse-viewer-frame', (e) => {
      if (pending === null) return;
      const gl = (document.getElementById('swv-canvas') as HTMLCanvasElement).getContext('webgl2')!;
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      const done = performance.now();
      w.__moves.push({ latency: done - pending, work: done - (e as CustomEvent<{ start: number }>).detail.start });
      pending = null;
    });
  });
}

/**
 * (a) Strokes across the axial view, brush and eraser in turn over the same row so every move changes voxels.
 * Real mouse events (CDP), one at a time: each waits for its frame, as a hand-held pointer at 60 Hz would.
 */
export async function brushStrokeLatency(viewer: ViewerPage, shape3d: boolean, cadenceMs: number, radiusMm = 5): Promise<Row[]> {
  const page = viewer.page;
  await page.locator('#swv-brush-radius').fill(String(radiusMm));
  await page.locator('#swv-brush-radius').dispatchEvent('change');
  if ((await page.locator('#swv-brush-3d').isChecked()) !== shape3d) await page.locator('#swv-brush-3d').click();
  await page.locator('#swv-brush-3d').blur();
  await armMoveProbe(viewer);
  const box = await viewer.sliceBox('axial');
  const perStroke = 40;
  let done = 0;
  for (let stroke = 0; done < MOVES; stroke++) {
    await page.keyboard.press(stroke % 2 === 0 ? 'b' : 'e');
    const y = box.y + box.height * (0.35 + 0.05 * (Math.floor(stroke / 2) % 6));
    const x = (k: number) => box.x + box.width * (0.25 + (0.5 * k) / perStroke);
    await page.mouse.move(x(0), y);
    await page.mouse.down();
    for (let k = 1; k <= perStroke && done < MOVES; k++, done++) {
      const before = await page.evaluate(() => (window as unknown as { __moves: unknown[] }).__moves.length);
      const sent = performance.now();
      await page.mouse.move(x(k), y);
      await page.waitForFunction((n) => (window as unknown as { __moves: unknown[] }).__moves.length > n, before);
      // A hand-held mouse reports at most once per display frame (Chromium aligns pointermoves to frames); with
      // cadence 0 the next move follows at once, while the compositor still finishes the last frame.
      const wait = cadenceMs - (performance.now() - sent);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await page.mouse.up();
  }
  const moves = await page.evaluate(() => (window as unknown as { __moves: { latency: number; work: number }[] }).__moves);
  const latency = moves.map((m) => m.latency);
  const work = moves.map((m) => m.work);
  const pace = cadenceMs > 0 ? `moves every ${cadenceMs.toFixed(1)} ms (60 Hz)` : 'moves back to back';
  const what = `brush stroke, ${shape3d ? '3D sphere' : '2D disk'} r = ${radiusMm} mm (1x3), ${pace}`;
  return [[what, ms(median(latency)), ms(p95(latency)),
    `pointermove → frame on GPU over ${latency.length} moves; frame work alone median ${ms(median(work))}, p95 ${ms(p95(work))}`]];
}

/** (b) The host's undo of a 10,000-voxel stroke: maskEdit arrival → frame drawn and finished on the GPU. */
export async function undoLatency(viewer: ViewerPage, doc: StandInDocument): Promise<Row[]> {
  const shape = doc.init.geometry.shape;
  const spacing = doc.init.geometry.spacing;
  const center = [0, 1, 2].map((a) => Math.floor(shape[a]! / 2)) as [number, number, number];
  let r = 10;
  let ids = sphere(center, r, shape, spacing);
  while (ids.length < 10_000) ids = sphere(center, (r += 0.1), shape, spacing);
  ids = ids.slice(0, 10_000);
  const stroke = editFromChanges(ids, new Uint8Array(ids.length), new Uint8Array(ids.length).fill(1));
  const times: number[] = [];
  for (let run = 0; run < UNDO_RUNS; run++) {
    await viewer.act(() => viewer.deliver({ type: 'maskEdit', edit: encodeEdit(stroke), cause: 'redo' }));
    await viewer.stage({ type: 'maskEdit', edit: encodeEdit(invertEdit(stroke)), cause: 'undo' });
    await viewer.page.evaluate(() => {
      const w = window as unknown as { __probe?: Promise<number> };
      w.__probe = new Promise((done) => window.addEventListener('swinfuse-viewer-frame', () => {
        const gl = (document.getElementById('swv-canvas') as HTMLCanvasElement).getContext('webgl2')!;
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
        done(performance.now());
      }, { once: true }));
    });
    const t0 = await viewer.page.evaluate(() => (window as unknown as { __deliverStaged(): number }).__deliverStaged());
    const t1 = await viewer.page.evaluate(() => (window as unknown as { __probe: Promise<number> }).__probe);
    times.push(t1 - t0);
  }
  return [[`undo of a ${stroke.count}-voxel stroke (host maskEdit)`, ms(median(times)), ms(p95(times)),
    `message arrival → pixels on the GPU, ${UNDO_RUNS} runs (the crosshair's slices cross the stroke)`]];
}

/** (c) JS heap of the webview before and after many short strokes, each after forced garbage collections. */
export async function heapGrowth(viewer: ViewerPage, strokes = HEAP_STROKES): Promise<Row[]> {
  const page = viewer.page;
  const cdp = await page.context().newCDPSession(page);
  const used = async () => {
    // The stand-in host keeps every posted message: that is the test host's memory, not the viewer's.
    await page.evaluate(() => { (window as unknown as { __posted: unknown[] }).__posted.length = 0; });
    for (let k = 0; k < 3; k++) await cdp.send('HeapProfiler.collectGarbage');
    return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  };
  await page.keyboard.press('b');
  const box = await viewer.sliceBox('axial');
  const before = await used();
  const t0 = Date.now();
  for (let s = 0; s < strokes; s++) {
    if (s % 2 === 0) await page.keyboard.press(s % 4 === 0 ? 'b' : 'e');
    const y = box.y + box.height * (0.3 + 0.4 * ((s % 20) / 20));
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, y, { steps: 2 });
    await page.mouse.up();
  }
  await viewer.settle();
  const after = await used();
  await cdp.detach();
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  return [[`JS heap growth over ${strokes} strokes`, mb(after - before), '',
    `used heap ${mb(before)} → ${mb(after)} after GC; ${((Date.now() - t0) / strokes).toFixed(1)} ms per stroke driven over CDP`]];
}

/**
 * (d) The extension host's side, in this Node process: the real NiftiDocument on ch2better, 1,000 brush strokes
 * sent as the webview sends them (encoded edits), every {undo, redo} pair kept as VS Code's undo stack keeps it;
 * then the time VS Code's Undo takes on the host for a 10,000-voxel stroke, and the heap growth over the strokes.
 */
export async function hostFigures(strokes = HEAP_STROKES): Promise<Row[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench:edit needs node --expose-gc for the host figures');
  const document = await NiftiDocument.open(new FileUri(ch2better), testHost());
  if (document.state.kind !== 'loaded') throw new Error(document.state.message);
  const { shape, spacing } = document.state.scan.geometry;
  const undoStack: MaskChange[] = [];
  document.onDidChange((change) => undoStack.push(change));
  const panel = { post: async () => undefined };
  // The webview's copy, on which strokes are made as the webview makes them.
  const copy = document.mask.data.slice();
  const used = () => {
    for (let k = 0; k < 3; k++) gc();
    return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  };
  const before = used();
  let changed = 0;
  for (let s = 0; s < strokes; s++) {
    const z = Math.floor(shape[2] * (0.3 + 0.4 * ((s % 50) / 50)));
    const y = Math.floor(shape[1] * (0.3 + 0.4 * ((s % 7) / 7)));
    let edit = EMPTY_EDIT;
    for (let k = 0; k < 8; k++) {
      const x = Math.floor(shape[0] * (0.3 + 0.05 * k));
      const dab = setValues(copy, disk([x, y, z], 5, 'axial', shape, spacing), s % 3 === 2 ? 0 : 1 + (s % 2));
      edit = edit.count === 0 ? dab : composeEdits(edit, dab);
    }
    changed += edit.count;
    await document.edit(panel, 'Brush', encodeEdit(edit));
  }
  const after = used();
  const records = undoStack.reduce((sum, c) => sum + editBytes(c.edit), 0);
  // A 10,000-voxel stroke, then VS Code's Undo and Redo of it on the host.
  const center = [0, 1, 2].map((a) => Math.floor(shape[a]! / 2)) as [number, number, number];
  let r = 10;
  let ids = sphere(center, r, shape, spacing);
  while (ids.length < 10_000) ids = sphere(center, (r += 0.1), shape, spacing);
  const big = setValues(copy, ids.slice(0, 10_000), 3);
  await document.edit(panel, 'Brush', encodeEdit(big));
  const last = undoStack[undoStack.length - 1]!;
  const undoMs: number[] = [];
  for (let run = 0; run < UNDO_RUNS; run++) {
    const t0 = performance.now();
    last.undo();
    undoMs.push(performance.now() - t0);
    last.redo();
  }
  document.dispose();
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  return [
    [`host: VS Code Undo of a ${big.count}-voxel stroke`, ms(median(undoMs)), ms(p95(undoMs)),
      `revert on the host's 35 M-voxel mask and the inverse edit posted; ${UNDO_RUNS} runs`],
    [`host: memory over ${strokes} strokes`, kib(after - before), '',
      `${changed} voxels changed; undo records ${kib(records)} (${(records / changed).toFixed(1)} bytes per changed voxel); `
        + 'heap + array buffers after GC, all {undo, redo} pairs kept'],
  ];
}

async function main(): Promise<void> {
  if (!existsSync(ch2better)) {
    console.error(`bench:edit needs ${ch2better} (SWINFUSE_BENCH_FILE overrides)`);
    process.exitCode = 1;
    return;
  }
  const rows: Row[] = [...await hostFigures()];
  const harness = await ViewerHarness.start();
  try {
    const doc = await documentFromFile(ch2better, { settings: { layout: '1x3' } });
    for (const [shape3d, cadenceMs] of [[false, 1000 / 60], [true, 1000 / 60], [false, 0]] as const) {
      const viewer = await openViewer(harness, doc);
      try {
        rows.push(...await brushStrokeLatency(viewer, shape3d, cadenceMs));
        if (viewer.errors.length) throw new Error(viewer.errors.join('; '));
      } finally {
        await viewer.close();
      }
    }
    const viewer = await openViewer(harness, doc);
    try {
      rows.push(...await undoLatency(viewer, doc));
      rows.push(...await heapGrowth(viewer));
      if (viewer.errors.length) throw new Error(viewer.errors.join('; '));
    } finally {
      await viewer.close();
    }
    console.log('bench:edit — ch2better 301×370×316 uint8, headless Chromium, software WebGL2; 1280×800 viewport, device pixel ratio 1');
    console.log(`machine: ${machineSummary()}; Chromium ${harness.browser.version()}`);
    const header: Row = ['what', 'median', 'p95', 'notes'];
    printTable(header, rows);
  } finally {
    await harness.close();
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
