// The synthetic case generator: deterministic by seed, BraTS labels nested as BraTS defines them, tumours inside
// the brain, and images whose tissue contrasts, bias field, noise and partial volume are what the generator claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BRATS_LABEL, generateCase, TISSUE, type SynthCase, type SynthContrast } from '../src/core/synth';

const cache = new Map<string, SynthCase>();
function synth(seed: number, extra: { size?: [number, number, number]; spacing?: number; skullStrip?: boolean; tumourCount?: number } = {}): SynthCase {
  const key = JSON.stringify({ seed, ...extra });
  if (!cache.has(key)) cache.set(key, generateCase({ seed, ...extra }));
  return cache.get(key)!;
}

/** The 6 face neighbours of voxel i (-1 beyond the border). */
function neighbours(c: SynthCase, i: number): number[] {
  const [X, Y, Z] = c.shape;
  const x = i % X, y = Math.floor(i / X) % Y, z = Math.floor(i / (X * Y));
  return [
    x > 0 ? i - 1 : -1, x < X - 1 ? i + 1 : -1, y > 0 ? i - X : -1, y < Y - 1 ? i + X : -1,
    z > 0 ? i - X * Y : -1, z < Z - 1 ? i + X * Y : -1,
  ];
}

/** Voxels of a healthy tissue whose 6 neighbours are the same tissue and that no tumour label touches. */
function pureTissue(c: SynthCase, tissue: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.tissue.length; i++) {
    if (c.tissue[i] !== tissue || c.labels[i] !== 0) continue;
    if (neighbours(c, i).every((j) => j >= 0 && c.tissue[j] === tissue && c.labels[j] === 0)) out.push(i);
  }
  return out;
}

function withLabel(c: SynthCase, label: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.labels.length; i++) if (c.labels[i] === label) out.push(i);
  return out;
}

function mean(c: SynthCase, contrast: SynthContrast, voxels: readonly number[]): number {
  assert.ok(voxels.length > 0, `no voxels to average in ${contrast}`);
  let s = 0;
  for (const i of voxels) s += c.channels[contrast][i]!;
  return s / voxels.length;
}

/** Noise σ from differences of x-neighbours within a region: robust (median absolute deviation) and blind to the
 * smooth bias field. */
function noiseFromDifferences(c: SynthCase, contrast: SynthContrast, voxels: readonly number[]): number {
  const inside = new Set(voxels);
  const d: number[] = [];
  for (const i of voxels) if (inside.has(i + 1)) d.push(c.channels[contrast][i + 1]! - c.channels[contrast][i]!);
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const m = median(d);
  return (1.4826 * median(d.map((v) => Math.abs(v - m)))) / Math.SQRT2;
}

/** A seed whose single tumour is ring-enhancing, so every label is present. */
function necroticSeed(): number {
  for (let seed = 1; seed < 50; seed++) {
    if (synth(seed, { size: [48, 48, 48], spacing: 4, tumourCount: 1 }).tumours[0]?.kind === 'necrotic') return seed;
  }
  throw new Error('no seed below 50 gives a necrotic tumour');
}

describe('synthetic cases: determinism', () => {
  it('the same seed gives the same case bit for bit; another seed another case', () => {
    const a = generateCase({ seed: 11, size: [40, 44, 36] });
    const b = generateCase({ seed: 11, size: [40, 44, 36] });
    const other = generateCase({ seed: 12, size: [40, 44, 36] });
    for (const name of ['t1', 't1ce', 't2', 'flair', 'ct'] as const) {
      assert.ok(Buffer.from(a.channels[name].buffer).equals(Buffer.from(b.channels[name].buffer)), `${name} differs for one seed`);
      assert.ok(!Buffer.from(a.channels[name].buffer).equals(Buffer.from(other.channels[name].buffer)), `${name} is the same for two seeds`);
    }
    assert.deepEqual(a.labels, b.labels);
    assert.deepEqual(a.tumours, b.tumours);
    assert.deepEqual(a.rendering, b.rendering);
  });

  it('has the shape and the centred RAS affine asked for, and refuses bad options naming them', () => {
    const c = synth(3, { size: [40, 44, 36], spacing: 3 });
    assert.deepEqual(c.shape, [40, 44, 36]);
    assert.equal(c.labels.length, 40 * 44 * 36);
    for (let r = 0; r < 3; r++) {
      assert.equal(c.affine[r]![r], 3);
      assert.equal(c.affine[r]![r]! * ((c.shape[r]! - 1) / 2) + c.affine[r]![3]!, 0, 'the volume\'s centre is at the origin');
    }
    assert.throws(() => generateCase({ seed: -1 }), /seed must be a whole number/);
    assert.throws(() => generateCase({ seed: 1.5 }), /seed must be a whole number/);
    assert.throws(() => generateCase({ seed: 1, size: [8, 96, 96] }), /size must be three whole numbers/);
    assert.throws(() => generateCase({ seed: 1, spacing: 0 }), /spacing must be/);
    assert.throws(() => generateCase({ seed: 1, tumourCount: 4 }), /tumourCount must be/);
  });
});

describe('synthetic cases: labels', () => {
  const seeds = Array.from({ length: 20 }, (_, k) => k);
  const small = (seed: number): SynthCase => synth(seed, { size: [48, 48, 48], spacing: 4 });

  it('are BraTS labels only, inside the brain', () => {
    for (const seed of seeds) {
      const c = small(seed);
      for (let i = 0; i < c.labels.length; i++) {
        const l = c.labels[i]!;
        if (l === 0) continue;
        assert.ok(l === 1 || l === 2 || l === 4, `seed ${seed}: label ${l}`);
        assert.equal(c.brainMask[i], 1, `seed ${seed}: label ${l} at voxel ${i} outside the brain mask`);
        assert.ok([TISSUE.csf, TISSUE.gm, TISSUE.wm].includes(c.tissue[i] as 3 | 4 | 5), `seed ${seed}: label on tissue ${c.tissue[i]}`);
      }
    }
  });

  it('edema encloses every tumour core: a core or rim voxel has only core, rim or edema around it', () => {
    for (const seed of seeds) {
      const c = small(seed);
      for (let i = 0; i < c.labels.length; i++) {
        if (c.labels[i] !== BRATS_LABEL.necrotic && c.labels[i] !== BRATS_LABEL.enhancing) continue;
        for (const j of neighbours(c, i)) assert.ok(j >= 0 && c.labels[j] !== 0, `seed ${seed}: tumour core voxel ${i} touches background`);
      }
    }
  });

  it('the enhancing rim encloses the necrotic core of a ring-enhancing tumour; a non-enhancing core has no rim', () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const c = synth(seed, { size: [48, 48, 48], spacing: 4, tumourCount: 1 });
      const t = c.tumours[0];
      if (!t) continue;
      kinds.add(t.kind);
      const necrotic = withLabel(c, BRATS_LABEL.necrotic).length;
      const enhancing = withLabel(c, BRATS_LABEL.enhancing).length;
      if (t.kind === 'non-enhancing') assert.equal(enhancing, 0, `seed ${seed}`);
      if (t.kind === 'solid') assert.equal(necrotic, 0, `seed ${seed}`);
      if (t.kind !== 'necrotic') continue;
      assert.ok(necrotic > 0 && enhancing > 0, `seed ${seed}: a necrotic tumour has both core and rim`);
      for (const i of withLabel(c, BRATS_LABEL.necrotic)) {
        for (const j of neighbours(c, i)) assert.ok(c.labels[j] === 1 || c.labels[j] === 4, `seed ${seed}: core voxel ${i} touches label ${c.labels[j]}`);
      }
    }
    assert.deepEqual([...kinds].sort(), ['necrotic', 'non-enhancing', 'solid'], 'the first 40 seeds show every kind');
  });

  it('vary in count, size and place with the seed, and describe each tumour truthfully', () => {
    const counts = seeds.map((seed) => small(seed).tumours.length);
    assert.ok(counts.filter((n) => n > 0).length >= 15, `tumours per case: ${counts}`);
    assert.ok(new Set(counts).size >= 2, `tumours per case: ${counts}`);
    const centres = new Set<string>();
    for (const seed of seeds) {
      const c = small(seed);
      let labelled = 0;
      for (const t of c.tumours) {
        centres.add(t.centreMm.map((v) => v.toFixed(0)).join());
        labelled += t.voxels.necrotic + t.voxels.enhancing + t.voxels.edema;
        const i = t.centreVoxel.map(Math.round);
        const index = i[0]! + c.shape[0] * (i[1]! + c.shape[1] * i[2]!);
        assert.notEqual(c.labels[index], 0, `seed ${seed}: the centre of a tumour is labelled`);
      }
      assert.equal(labelled, c.labels.reduce((n, l) => n + (l > 0 ? 1 : 0), 0), `seed ${seed}: the tumours' voxels add up to the labels`);
    }
    assert.ok(centres.size >= 15);
  });
});

describe('synthetic cases: images', () => {
  const seed = necroticSeed();
  const c = (): SynthCase => synth(seed, { tumourCount: 1 });

  it('shows each tissue with its contrast in T1, T2 and FLAIR', () => {
    const cs = c();
    const [wm, gm, csf] = [pureTissue(cs, TISSUE.wm), pureTissue(cs, TISSUE.gm), pureTissue(cs, TISSUE.csf)];
    const edema = withLabel(cs, BRATS_LABEL.edema);
    const necrotic = withLabel(cs, BRATS_LABEL.necrotic);
    assert.ok(mean(cs, 't1', wm) > mean(cs, 't1', gm) && mean(cs, 't1', gm) > mean(cs, 't1', csf), 'T1: WM > GM > CSF');
    assert.ok(mean(cs, 't1', necrotic) < mean(cs, 't1', gm), 'T1: the necrotic core is dark');
    assert.ok(mean(cs, 't2', csf) > mean(cs, 't2', gm) && mean(cs, 't2', gm) > mean(cs, 't2', wm), 'T2: CSF > GM > WM');
    assert.ok(mean(cs, 't2', edema) > 1.5 * mean(cs, 't2', wm), 'T2: edema bright');
    assert.ok(mean(cs, 'flair', csf) < mean(cs, 'flair', wm), 'FLAIR: CSF suppressed');
    assert.ok(mean(cs, 'flair', edema) > 1.3 * mean(cs, 'flair', wm) && mean(cs, 'flair', edema) > mean(cs, 'flair', gm), 'FLAIR: edema brightest');
  });

  it('enhances the rim in T1ce only', () => {
    const cs = c();
    const wm = pureTissue(cs, TISSUE.wm);
    const rim = withLabel(cs, BRATS_LABEL.enhancing);
    const relative = (name: SynthContrast): number => mean(cs, name, rim) / mean(cs, name, wm);
    assert.ok(relative('t1ce') > 1.2, `T1ce rim / WM = ${relative('t1ce')}`);
    assert.ok(relative('t1ce') > 1.5 * relative('t1'), `T1ce ${relative('t1ce')} vs T1 ${relative('t1')}`);
  });

  it('has a CT in Hounsfield units: air, dense skull, brain 20–50 HU', () => {
    const cs = c();
    const skull: number[] = [];
    for (let i = 0; i < cs.tissue.length; i++) if (cs.tissue[i] === TISSUE.skull) skull.push(i);
    assert.ok(mean(cs, 'ct', skull) > 500, `skull ${mean(cs, 'ct', skull)} HU`);
    for (const t of [TISSUE.gm, TISSUE.wm]) {
      const m = mean(cs, 'ct', pureTissue(cs, t));
      assert.ok(m > 20 && m < 50, `brain ${m} HU`);
    }
    assert.ok(mean(cs, 'ct', pureTissue(cs, TISSUE.csf)) < mean(cs, 'ct', pureTissue(cs, TISSUE.gm)), 'CSF below grey matter');
    assert.ok(Math.abs(mean(cs, 'ct', pureTissue(cs, TISSUE.background)) + 1000) < 5, 'air −1000 HU');
  });

  it('has the configured noise, and a bias field that varies only smoothly', () => {
    const cs = c();
    const wm = pureTissue(cs, TISSUE.wm);
    for (const name of ['t1', 't2', 'flair', 'ct'] as const) {
      const estimated = noiseFromDifferences(cs, name, wm);
      const configured = cs.rendering.noiseSigma[name];
      assert.ok(Math.abs(estimated / configured - 1) < 0.2, `${name}: noise σ ${estimated.toFixed(2)}, configured ${configured.toFixed(2)}`);
    }
    // White matter is brighter where the bias field's gradient points: the field varies across the brain, yet
    // neighbouring voxels differ by noise alone (above).
    const g = cs.rendering.biasGradient.t1;
    const [X, Y] = cs.shape;
    const up: number[] = [], down: number[] = [];
    for (const i of wm) {
      const v = [i % X, Math.floor(i / X) % Y, Math.floor(i / (X * Y))].map((k, a) => cs.affine[a]![a]! * k + cs.affine[a]![3]!);
      (g[0] * v[0]! + g[1] * v[1]! + g[2] * v[2]! > 0 ? up : down).push(i);
    }
    assert.ok(mean(cs, 't1', up) / mean(cs, 't1', down) > 1.02, `WM ${mean(cs, 't1', up)} vs ${mean(cs, 't1', down)}`);
  });

  it('mixes tissues at edges (partial volume)', () => {
    const head = synth(seed, { tumourCount: 1, skullStrip: false });
    // CT: between air (−1000) and scalp (≈ −40) only where the head's surface crosses a voxel.
    let ctEdge = 0;
    for (let i = 0; i < head.labels.length; i++) if (head.channels.ct[i]! > -900 && head.channels.ct[i]! < -150) ctEdge++;
    assert.ok(ctEdge > 2000, `${ctEdge} CT voxels between air and scalp`);
    // T2: between white matter and CSF, in voxels next to both.
    const [wmT2, csfT2] = [mean(head, 't2', pureTissue(head, TISSUE.wm)), mean(head, 't2', pureTissue(head, TISSUE.csf))];
    let mixed = 0;
    for (let i = 0; i < head.labels.length; i++) {
      if (head.labels[i] !== 0 || head.brainMask[i] !== 1) continue;
      const around = neighbours(head, i).map((j) => head.tissue[j]);
      const v = head.channels.t2[i]!;
      if (around.includes(TISSUE.wm) && around.includes(TISSUE.csf) && v > wmT2 + 0.2 * (csfT2 - wmT2) && v < csfT2 - 0.2 * (csfT2 - wmT2)) mixed++;
    }
    assert.ok(mixed > 50, `${mixed} T2 voxels between white matter and CSF`);
  });

  it('skull-strips the MRI by default (exact zeros outside the brain) and keeps the head on request', () => {
    const stripped = c();
    const head = synth(seed, { tumourCount: 1, skullStrip: false });
    for (const name of ['t1', 't1ce', 't2', 'flair'] as const) {
      for (let i = 0; i < stripped.labels.length; i++) {
        const v = stripped.channels[name][i]!;
        assert.ok(stripped.brainMask[i] ? v >= 1 : v === 0, `${name} voxel ${i}: ${v} with mask ${stripped.brainMask[i]}`);
      }
    }
    assert.ok(mean(head, 't1', pureTissue(head, TISSUE.scalp)) > mean(head, 't1', pureTissue(head, TISSUE.wm)), 'T1: scalp fat bright');
    assert.deepEqual(head.channels.ct, stripped.channels.ct, 'the CT is the same either way');
    assert.deepEqual(head.labels, stripped.labels);
  });
});
