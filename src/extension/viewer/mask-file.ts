// Mask files on disk: reading one beside an image (refused, never resampled, when it does not fit), writing one in
// the image's own stored layout and header geometry, and the atomic replace that keeps a crash from leaving half a
// file where the mask was.
import { randomBytes } from 'node:crypto';
import { NiftiError, encodeNifti, fromRas, gridDifference, NIFTI_INTENT_LABEL } from '../../core/nifti/index';
import { baseName, siblingUri, type DocumentHost, type HostFs, type UriLike } from './host-ports';
import { labelVoxels, readRasScan, type RasScan } from './ras-scan';

export type MaskRead =
  | { readonly kind: 'ok'; readonly labels: Uint8Array }
  /** `reason` says what is wrong with the file, as a phrase about it ("its shape is 10×10×8, not 12×10×8"). */
  | { readonly kind: 'refused'; readonly reason: string };

/** Reads `file` as the mask of `image`: uint8 labels in RAS layout on the image's grid, or why it cannot be. */
export async function readMaskFile<U>(uri: U, file: string, image: RasScan, host: DocumentHost<U>): Promise<MaskRead> {
  try {
    const scan = await readRasScan(uri, file, host);
    // In RAS layout: a mask stored in another orientation is still the image's mask if it lands on the same grid.
    const difference = gridDifference(image.geometry, scan.geometry);
    if (difference) return { kind: 'refused', reason: `it is not on the voxel grid of ${image.file}: ${difference}` };
    return { kind: 'ok', labels: labelVoxels(scan) };
  } catch (err) {
    return { kind: 'refused', reason: err instanceof NiftiError ? err.problem : (err as Error)?.message ?? String(err) };
  }
}

/**
 * The NIfTI bytes of a mask for `image`: uint8, intent NIFTI_INTENT_LABEL, in the image's stored axis order with a
 * copy of its header geometry (qform, sform, pixdim, units) and version, so every tool overlays the two exactly.
 * The RAS labels are copied into stored order before the first await, so later edits cannot leak into this save.
 */
export function encodeMaskFile(image: RasScan, labels: Uint8Array, name: string): Promise<Uint8Array> {
  const stored = fromRas(labels, image.volume.plan);
  return encodeNifti({
    shape: image.geometry.stored.shape.slice(0, 3),
    data: stored,
    geometry: image.header,
    version: image.header.version,
    intentCode: NIFTI_INTENT_LABEL,
    description: 'SwinFUSE label mask',
  }, /\.gz$/i.test(name));
}

/**
 * Writes to a temporary file beside the target, then renames it over the target: the rename replaces the file in
 * one step on the same file system, so readers see the old mask or the new one, never a partial one.
 */
export async function writeFileAtomic<U extends UriLike<U>>(fs: HostFs<U>, target: U, bytes: Uint8Array): Promise<void> {
  const temp = siblingUri(target, `.${baseName(target.path)}.${randomBytes(4).toString('hex')}.swinfuse-tmp`);
  let renamed = false;
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, target, { overwrite: true });
    renamed = true;
  } finally {
    if (!renamed) await fs.delete(temp).catch(() => undefined);
  }
}

/** Whether something is at `uri` (stat succeeds). */
export async function fileExists<U>(fs: HostFs<U>, uri: U): Promise<boolean> {
  try {
    await fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
