// One NIfTI file as the viewer shows it: read through the host's file system, parsed, reoriented to RAS, and cut
// into per-channel buffers for the webview.
import {
  NiftiError, channelCount, readNifti, spatialShape, toRas, type NiftiHeader, type OrientedVolume,
} from '../../core/nifti/index';
import type { ChannelVoxels, RasGeometry } from '../../core/viewer-protocol/messages';
import type { DocumentHost } from './host-ports';

export interface RasScan {
  /** The file's name, as errors and the webview show it. */
  readonly file: string;
  /** Voxels in RAS layout; a 4D file keeps its channels on the 4th axis. */
  readonly volume: OrientedVolume;
  readonly geometry: RasGeometry;
  readonly channels: number;
  /** The stored header: a saved mask copies its geometry fields and version, so it overlays the image exactly. */
  readonly header: NiftiHeader;
}

/** Reads and reorients one file. Every failure is a NiftiError naming the file. */
export async function readRasScan<U>(uri: U, file: string, host: DocumentHost<U>): Promise<RasScan> {
  let bytes: Uint8Array;
  try {
    bytes = await host.fs.readFile(uri);
  } catch (err) {
    throw new NiftiError(file, `cannot be read (${describeFsError(err)})`);
  }
  const volume = await readNifti(bytes, file, { maxVoxels: host.maxVoxels() });
  if (volume.shape.length > 4) {
    throw new NiftiError(file, `has ${volume.shape.length} dimensions; the viewer shows 3D volumes and 4D channel stacks`);
  }
  let ras: OrientedVolume;
  try {
    ras = toRas(volume);
  } catch (err) {
    throw new NiftiError(file, `cannot be reoriented to RAS (${(err as Error).message})`);
  }
  return {
    file, volume: ras, geometry: rasGeometry(volume.shape, volume.axcodes, ras), channels: channelCount(volume.shape), header: volume.header,
  };
}

/** Shape, affine and spacing of the RAS layout, plus how the file stores it (for the status line's indices). */
export function rasGeometry(storedShape: readonly number[], storedAxcodes: string, ras: OrientedVolume): RasGeometry {
  // Spacing from the affine's column norms, not pixdim: for an sform it is the sform's own voxel size, and the
  // columns are already in RAS order, so no permutation of pixdim can get it wrong.
  const spacing = [0, 1, 2].map((c) => Math.hypot(ras.affine[0]![c]!, ras.affine[1]![c]!, ras.affine[2]![c]!));
  return {
    shape: spatialShape(ras.shape),
    affine: ras.affine.map((row) => [...row]),
    spacing: spacing as [number, number, number],
    stored: { shape: [...storedShape], axcodes: storedAxcodes, plan: ras.plan },
  };
}

/**
 * One channel's voxels in a fresh ArrayBuffer that holds exactly that channel. VS Code sends a typed array's
 * whole underlying buffer, so a view into the 4D array would ship every channel; and a fresh copy per message
 * means no reply can be affected by what the transport does with an earlier one.
 */
export function channelVoxels(scan: RasScan, channel: number, index = channel): ChannelVoxels {
  const data = scan.volume.data;
  const perChannel = data.length / scan.channels;
  const bytes = perChannel * data.BYTES_PER_ELEMENT;
  const copy = new Uint8Array(bytes);
  copy.set(new Uint8Array(data.buffer, data.byteOffset + channel * bytes, bytes));
  return { index, datatype: scan.volume.datatype, data: copy.buffer, scaling: scan.volume.scaling };
}

/**
 * A mask's labels as uint8 in RAS layout (what a `labels` overlay carries). Masks are often stored as int16 or
 * float; any value that is not an integer 0..255 after scaling means the file is not a label mask.
 */
export function labelVoxels(scan: RasScan): Uint8Array {
  if (scan.channels !== 1) throw new NiftiError(scan.file, `has ${scan.channels} channels; a label mask has one`);
  const { data, scaling } = scan.volume;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = scaling ? data[i]! * scaling.slope + scaling.inter : data[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new NiftiError(scan.file, `holds the value ${v}, which is not a label (an integer 0..255)`);
    }
    out[i] = v;
  }
  return out;
}

/** vscode.FileSystemError carries a code such as FileNotFound; other errors only a message. */
function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'FileNotFound' || code === 'ENOENT') return 'no such file';
  if (code === 'FileIsADirectory' || code === 'EISDIR') return 'it is a folder';
  if (code === 'NoPermissions' || code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
