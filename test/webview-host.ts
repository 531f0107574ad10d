// A stand-in extension host for the viewer tests and benchmark: builds the protocol's init (and channel replies)
// from real NIfTI files with our core (readNiftiFile + toRas), as the real host does.
import { readNiftiFile, toRas, type NiftiVolume } from '../src/core/nifti';
import {
  DEFAULT_EDITOR_SETTINGS, VIEWER_PROTOCOL_VERSION,
  type ChannelInfo, type ChannelVoxels, type HostToWebview, type LabelColor, type MaskInfo, type Overlay, type ProposalVoxels,
  type SegmentationStatus, type ViewerSettings,
} from '../src/core/viewer-protocol';
import type { OrientedVolume } from '../src/core/nifti';

export type InitMessage = Extract<HostToWebview, { type: 'init' }>;

export interface StandInDocument {
  readonly volume: NiftiVolume;
  readonly ras: OrientedVolume;
  readonly init: InitMessage;
  /** Every channel's voxels as the host would answer a 'channel' request. */
  channel(index: number): ChannelVoxels;
  /** How many times each channel was requested. */
  readonly requests: number[];
}

function copyBuffer(view: ArrayBufferView): ArrayBuffer {
  const out = new ArrayBuffer(view.byteLength);
  new Uint8Array(out).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return out;
}

export function spacingOf(affine: number[][]): [number, number, number] {
  return [0, 1, 2].map((k) => Math.hypot(affine[0]![k]!, affine[1]![k]!, affine[2]![k]!)) as [number, number, number];
}

export interface DocumentOptions {
  readonly settings?: Partial<ViewerSettings>;
  readonly overlays?: readonly Overlay[];
  readonly channelNames?: readonly string[];
  readonly initialChannel?: number;
  /** The editable mask's voxels (RAS layout; zeros by default) and where it saves. */
  readonly mask?: Uint8Array;
  readonly maskInfo?: Partial<MaskInfo>;
  /** The proposal under review and the segmentation's status, as a re-created webview's init carries them. */
  readonly proposal?: ProposalVoxels | null;
  readonly segmentation?: SegmentationStatus;
}

export function documentFromVolume(volume: NiftiVolume, name: string, options: DocumentOptions = {}): StandInDocument {
  const ras = toRas(volume);
  const [x, y, z] = ras.shape as [number, number, number];
  const perChannel = x * y * z;
  const count = ras.shape[3] ?? 1;
  const channelVoxels = (index: number): ChannelVoxels => ({
    index,
    datatype: ras.datatype,
    data: copyBuffer(ras.data.subarray(index * perChannel, (index + 1) * perChannel)),
    scaling: ras.scaling,
  });
  const channels: ChannelInfo[] = Array.from({ length: count }, (_, i) => ({
    index: i, name: options.channelNames?.[i] ?? (count > 1 ? `channel ${i}` : name), source: name,
  }));
  const requests = new Array<number>(count).fill(0);
  const init: InitMessage = {
    type: 'init',
    version: VIEWER_PROTOCOL_VERSION,
    document: { uri: `file:///test/${name}`, name },
    geometry: {
      shape: [x, y, z],
      affine: ras.affine,
      spacing: spacingOf(ras.affine),
      stored: { shape: volume.shape, axcodes: volume.axcodes, plan: ras.plan },
    },
    channels,
    initial: channelVoxels(options.initialChannel ?? 0),
    overlays: options.overlays ?? [],
    mask: {
      file: `${name.replace(/\.nii(\.gz)?$/, '')}_mask.nii.gz`, exists: false, refused: null, ...options.maskInfo,
      data: copyBuffer(options.mask ?? new Uint8Array(perChannel)),
    },
    proposal: options.proposal ?? null,
    segmentation: options.segmentation ?? { phase: 'idle' },
    settings: { convention: 'radiological', layout: '1x3', editor: DEFAULT_EDITOR_SETTINGS, ...options.settings },
  };
  return {
    volume, ras, init, requests,
    channel: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= count) throw new Error(`no channel ${index}`);
      requests[index]!++;
      return channelVoxels(index);
    },
  };
}

export async function documentFromFile(file: string, options: DocumentOptions = {}): Promise<StandInDocument> {
  const volume = await readNiftiFile(file);
  return documentFromVolume(volume, file.split('/').pop()!, options);
}

/** A label overlay in RAS layout from a label file on the same grid. */
export async function labelOverlayFromFile(file: string, name: string, colors: readonly LabelColor[] = []): Promise<Overlay> {
  const ras = toRas(await readNiftiFile(file));
  const labels = Uint8Array.from(ras.data as ArrayLike<number>);
  return { kind: 'labels', name, data: labels.buffer, colors };
}
