// The hot-exit backup container (src/core/labels/mask-backup.ts): a round trip, and every way a backup can be
// wrong failing with a message that says how, without allocating what a lying header claims.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeMaskBackup, encodeMaskBackup, MASK_BACKUP_MAGIC, MaskBackupError } from '../src/core/labels/mask-backup';

const header = { image: 'scan.nii.gz', target: '/data/scan_seg.nii.gz', exists: false, refused: null, shape: [4, 3, 2] as [number, number, number] };
const labels = Uint8Array.from({ length: 24 }, (_, i) => (i * 7) % 5);
const expected = { image: 'scan.nii.gz', shape: [4, 3, 2] as [number, number, number] };

/** A backup assembled by hand from the documented format, not by encodeMaskBackup. */
function handMade(json: unknown, body: Uint8Array, magic = MASK_BACKUP_MAGIC): Uint8Array {
  return Buffer.concat([Buffer.from(`${magic}\n${JSON.stringify(json)}\n`), body]);
}

describe('mask backups', () => {
  it('round-trip the labels and the header, in the documented layout', async () => {
    const bytes = await encodeMaskBackup(header, labels);
    const text = Buffer.from(bytes).toString('latin1');
    assert.ok(text.startsWith(`${MASK_BACKUP_MAGIC}\n{`));
    const back = await decodeMaskBackup(bytes, expected);
    assert.deepEqual(back.labels, labels);
    assert.deepEqual(back.header, header);
    // And a hand-made one decodes the same, so the format is what the comment says.
    const manual = await decodeMaskBackup(handMade({ ...header, voxels: 24 }, gzipSync(labels)), expected);
    assert.deepEqual(manual.labels, labels);
    const refused = await decodeMaskBackup(handMade({ ...header, exists: true, refused: 'x: bad' }, gzipSync(labels)), expected);
    assert.deepEqual([refused.header.exists, refused.header.refused], [true, 'x: bad']);
  });

  const bad: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['empty file', async () => new Uint8Array(0), /^b: does not start with "SWINFUSE-MASK-BACKUP 1"/],
    ['other magic', async () => handMade(header, gzipSync(labels), 'SWINFUSE-MASK-BACKUP 9'), /not a SwinFUSE mask backup/],
    ['no header end', async () => Buffer.from(`${MASK_BACKUP_MAGIC}\n{"image":`), /ends inside its header: the backup is truncated/],
    ['header too long', async () => Buffer.from(`${MASK_BACKUP_MAGIC}\n${'x'.repeat(70_000)}`), /header line is too long/],
    ['header not JSON', async () => Buffer.from(`${MASK_BACKUP_MAGIC}\n{nope\n`), /header is not valid JSON/],
    ['header an array', async () => handMade([1, 2], gzipSync(labels)), /header is not a JSON object/],
    ['no target', async () => handMade({ ...header, target: '' }, gzipSync(labels)), /has no save target/],
    ['bad shape', async () => handMade({ ...header, shape: [4, 3, -2] }, gzipSync(labels)), /shape \[4,3,-2\] is not three positive integers/],
    ['other image', async () => handMade({ ...header, image: 'other.nii' }, gzipSync(labels)), /was made for other\.nii, not scan\.nii\.gz/],
    ['other shape', async () => handMade({ ...header, shape: [4, 3, 3] }, gzipSync(new Uint8Array(36))), /holds a 4×3×3 mask but scan\.nii\.gz is 4×3×2/],
    // A header claiming a huge mask is refused by the shape check before anything is allocated.
    ['huge claim', async () => handMade({ ...header, shape: [100000, 100000, 100000] }, gzipSync(labels)), /holds a 100000×100000×100000 mask/],
    ['truncated body', async () => { const b = await encodeMaskBackup(header, labels); return b.subarray(0, b.length - 10); }, /labels end early: the backup is truncated/],
    ['too few labels', async () => handMade(header, gzipSync(labels.subarray(0, 20))), /holds 20 labels, not the 24 of a 4×3×2 mask/],
    ['too many labels', async () => handMade(header, gzipSync(new Uint8Array(10_000_000))), /inflate to more than the 24 voxels/],
    ['not gzip', async () => handMade(header, labels), /labels are corrupt/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses: ${what}`, async () => {
      const bytes = await make();
      await assert.rejects(decodeMaskBackup(bytes, expected, 'b'), (err: Error) => {
        assert.ok(err instanceof MaskBackupError, `${err.name}: ${err.message}`);
        assert.match(err.message, message);
        assert.ok(err.message.startsWith('b: '), err.message);
        return true;
      });
    });
  }

  it('refuses to encode labels that do not fill the shape', async () => {
    await assert.rejects(encodeMaskBackup(header, labels.subarray(1)), /23 labels do not fill the shape 4×3×2/);
  });
});
