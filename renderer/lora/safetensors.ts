// Reads a .safetensors file (8-byte little-endian header length, a JSON header, then raw tensor
// data). A LoRA file is user input: every size and offset is checked before it is trusted.
import { readFile } from 'node:fs/promises';
import { float16ToFloat32 } from '../onnx/float16.ts';

/** Headers of real LoRA files are tens of kilobytes; anything past this is not a header. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface SafeTensor {
  dtype: 'F32' | 'F16';
  shape: number[];
  /** The values as float32 (float16 converted). */
  values: Float32Array;
}

export interface SafeTensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

export class SafeTensorsError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`LoRA file ${file} ${problem}`);
    this.name = 'SafeTensorsError';
  }
}

const ELEMENT_BYTES = { F32: 4, F16: 2 } as const;

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isSafeInteger(d) && d >= 0);
}

export function parseSafeTensors(bytes: Uint8Array, file: string): SafeTensorsFile {
  const fail = (problem: string): never => {
    throw new SafeTensorsError(file, problem);
  };
  if (bytes.length < 8)
    fail(`is ${bytes.length} bytes long; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES))
    fail(
      `declares a ${headerLength}-byte header (at most ${MAX_HEADER_BYTES}); it is not a safetensors file`,
    );
  const n = Number(headerLength);
  if (8 + n > bytes.length)
    fail(`is truncated: its header needs ${n} bytes but the file has ${bytes.length - 8} after the length`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    fail('has a header that is not UTF-8 JSON; it is not a safetensors file');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    fail('has a header that is not a JSON object');
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry && typeof entry === 'object' && !Array.isArray(entry))
        metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!e || typeof e !== 'object') fail(`has a malformed entry for tensor ${name}`);
    const dtype = e!.dtype;
    if (dtype !== 'F32' && dtype !== 'F16')
      fail(`stores tensor ${name} as ${String(dtype)}; only F32 and F16 LoRA files are read`);
    const shape = e!.shape;
    const offsets = e!.data_offsets;
    if (!isShape(shape)) fail(`has a malformed shape for tensor ${name}`);
    if (!isShape(offsets) || offsets.length !== 2 || offsets[0] > offsets[1])
      fail(`has malformed data_offsets for tensor ${name}`);
    const [begin, end] = offsets as number[];
    const size = ELEMENT_BYTES[dtype as 'F32' | 'F16'];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * size)
      fail(
        `gives tensor ${name} ${end - begin} bytes; its shape [${(shape as number[]).join(', ')}] needs ${count * size}`,
      );
    if (end > dataBytes)
      fail(`is truncated: tensor ${name} ends at byte ${end} of the data, which has ${dataBytes}`);
    // Copy out: files from elsewhere need not align tensors to their element size.
    const raw = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    const values =
      dtype === 'F32'
        ? new Float32Array(raw.buffer, 0, count)
        : float16ToFloat32(new Uint16Array(raw.buffer, 0, count));
    tensors.set(name, { dtype: dtype as 'F32' | 'F16', shape: shape as number[], values });
  }
  return { tensors, metadata };
}

export async function readSafeTensors(file: string): Promise<SafeTensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    throw new SafeTensorsError(file, 'could not be read; check the name or path');
  }
  return parseSafeTensors(bytes, file);
}
