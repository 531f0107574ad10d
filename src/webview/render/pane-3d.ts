// The 3D view: the three slice planes in place, textured with their slices, inside the volume's outline, seen by
// an orbiting perspective camera. Space is the RAS-layout voxel grid scaled by the spacing (x → R, y → A, z → S).
import {
  BoxGeometry, BufferAttribute, BufferGeometry, EdgesGeometry, LineBasicMaterial, LineSegments, Mesh, PerspectiveCamera,
  Scene, type ShaderMaterial, type Texture, type WebGLRenderer,
} from 'three';
import { placeOrbitCamera, volumeBox, type VolumeBox } from '../geometry/orbit-camera';
import { SLICE_VIEWS, type SliceView } from '../geometry/views';
import type { Orbit } from '../state/viewer-state';
import { applyLayers, createSliceMaterial, type SliceLayers } from './slice-material';

type Vec3 = [number, number, number];

/** A quad from `origin` spanning `u` and `v`, with uv (0,0) at origin. */
function quad(origin: Vec3, u: Vec3, v: Vec3): BufferGeometry {
  const corners = [origin, add(origin, u), add(origin, v), add(add(origin, u), v)];
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(corners.flat()), 3));
  g.setAttribute('uv', new BufferAttribute(new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), 2));
  g.setIndex([0, 1, 2, 2, 1, 3]);
  return g;
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export class Pane3D {
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(30, 1, 0.1, 1e5);
  private readonly planes = new Map<SliceView, { mesh: Mesh; material: ShaderMaterial; axis: 0 | 1 | 2 }>();
  private readonly box: LineSegments;
  private readonly volume: VolumeBox;

  constructor(shape: readonly number[], private readonly spacing: readonly number[], private readonly empty: { float: Texture; byte: Texture }) {
    const [sx, sy, sz] = spacing as Vec3;
    this.volume = volumeBox(shape, spacing);
    const lo: Vec3 = [...this.volume.lo];
    const size: Vec3 = [shape[0]! * sx, shape[1]! * sy, shape[2]! * sz];
    const spans: Record<SliceView, { geometry: BufferGeometry; axis: 0 | 1 | 2 }> = {
      axial: { geometry: quad([lo[0], lo[1], 0], [size[0], 0, 0], [0, size[1], 0]), axis: 2 },
      coronal: { geometry: quad([lo[0], 0, lo[2]], [size[0], 0, 0], [0, 0, size[2]]), axis: 1 },
      sagittal: { geometry: quad([0, lo[1], lo[2]], [0, size[1], 0], [0, 0, size[2]]), axis: 0 },
    };
    for (const view of SLICE_VIEWS) {
      const material = createSliceMaterial(1, empty);
      const mesh = new Mesh(spans[view].geometry, material);
      this.scene.add(mesh);
      this.planes.set(view, { mesh, material, axis: spans[view].axis });
    }
    const boxGeometry = new BoxGeometry(...size);
    this.box = new LineSegments(new EdgesGeometry(boxGeometry), new LineBasicMaterial({ color: 0x888888 }));
    boxGeometry.dispose();
    this.box.position.set(...this.volume.center);
    this.scene.add(this.box);
  }

  draw(renderer: WebGLRenderer, layers: Record<SliceView, SliceLayers>, cursor: readonly number[], orbit: Orbit, aspect: number): void {
    for (const [view, plane] of this.planes) {
      applyLayers(plane.material, layers[view], this.empty);
      plane.mesh.position.setComponent(plane.axis, cursor[plane.axis]! * this.spacing[plane.axis]!);
    }
    placeOrbitCamera(this.camera, this.volume, orbit, aspect);
    renderer.render(this.scene, this.camera);
  }

  dispose(): void {
    for (const plane of this.planes.values()) {
      plane.material.dispose();
      plane.mesh.geometry.dispose();
    }
    this.box.geometry.dispose();
    (this.box.material as LineBasicMaterial).dispose();
  }
}
