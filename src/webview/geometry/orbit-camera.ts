// The 3D pane's camera as a pure function of the grid and the orbit: the renderer places its camera with it and
// the pane chrome projects the volume's face letters (R/L/A/P/S/I) with it. Space: RAS-layout voxel index × spacing.
import { PerspectiveCamera, Vector3 } from 'three';
import type { Orbit } from '../state/viewer-state';

export const ORBIT_FOV_DEGREES = 30;

export interface VolumeBox {
  readonly center: readonly [number, number, number];
  /** Half the box's diagonal, mm. */
  readonly radius: number;
  /** Lowest and highest corner (voxel edges), mm. */
  readonly lo: readonly [number, number, number];
  readonly hi: readonly [number, number, number];
}

export function volumeBox(shape: readonly number[], spacing: readonly number[]): VolumeBox {
  const lo = [0, 1, 2].map((k) => -0.5 * spacing[k]!) as [number, number, number];
  const hi = [0, 1, 2].map((k) => (shape[k]! - 0.5) * spacing[k]!) as [number, number, number];
  const center = [0, 1, 2].map((k) => (lo[k]! + hi[k]!) / 2) as [number, number, number];
  return { lo, hi, center, radius: 0.5 * Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) };
}

/** Sets a perspective camera to look at the box's centre from the orbit's direction, superior up. */
export function placeOrbitCamera(camera: PerspectiveCamera, box: VolumeBox, orbit: Orbit, aspect: number): void {
  const fov = (ORBIT_FOV_DEGREES * Math.PI) / 180;
  const distance = box.radius / Math.sin(fov / 2) / Math.max(orbit.zoom, 1e-3) / Math.min(1, aspect);
  const [cx, cy, cz] = box.center;
  const { azimuth: az, elevation: el } = orbit;
  camera.fov = ORBIT_FOV_DEGREES;
  camera.up.set(0, 0, 1);
  camera.position.set(cx + distance * Math.cos(el) * Math.cos(az), cy + distance * Math.cos(el) * Math.sin(az), cz + distance * Math.sin(el));
  camera.aspect = aspect;
  camera.near = Math.max(0.01, distance - 2 * box.radius);
  camera.far = distance + 2 * box.radius;
  camera.lookAt(cx, cy, cz);
  camera.updateProjectionMatrix();
  camera.updateMatrixWorld();
}

/** Where the centres of the box's six faces land in a pane (CSS px), keyed by the direction's letter. */
export function faceLetterPositions(box: VolumeBox, orbit: Orbit, width: number, height: number): Record<string, [number, number]> {
  const camera = new PerspectiveCamera();
  placeOrbitCamera(camera, box, orbit, width / Math.max(1, height));
  const [cx, cy, cz] = box.center;
  const faces: Record<string, [number, number, number]> = {
    R: [box.hi[0], cy, cz], L: [box.lo[0], cy, cz], A: [cx, box.hi[1], cz], P: [cx, box.lo[1], cz], S: [cx, cy, box.hi[2]], I: [cx, cy, box.lo[2]],
  };
  const out: Record<string, [number, number]> = {};
  for (const [letter, p] of Object.entries(faces)) {
    const v = new Vector3(...p).project(camera);
    out[letter] = [((v.x + 1) / 2) * width, ((1 - v.y) / 2) * height];
  }
  return out;
}
