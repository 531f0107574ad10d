// A 2D view: one full-viewport quad whose fragment shader maps each screen pixel to its voxel.
import { Mesh, OrthographicCamera, PlaneGeometry, Scene, type ShaderMaterial, type Texture, type WebGLRenderer } from 'three';
import { applyLayers, applyScreenMapping, createSliceMaterial, type SliceLayers } from './slice-material';

export class Pane2D {
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, 0, 2);
  private readonly material: ShaderMaterial;
  private readonly geometry = new PlaneGeometry(2, 2);

  constructor(private readonly empty: { float: Texture; byte: Texture }) {
    this.material = createSliceMaterial(0, empty);
    const quad = new Mesh(this.geometry, this.material);
    quad.frustumCulled = false;
    this.scene.add(quad);
    this.camera.position.z = 1;
  }

  draw(renderer: WebGLRenderer, layers: SliceLayers, rows: { rowH: readonly number[]; rowV: readonly number[] }): void {
    applyLayers(this.material, layers, this.empty);
    applyScreenMapping(this.material, rows);
    renderer.render(this.scene, this.camera);
  }

  dispose(): void {
    this.material.dispose();
    this.geometry.dispose();
  }
}
