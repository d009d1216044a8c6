// Writes a built graph as model.onnx (opset 17), optionally with large initializers in an external
// data file next to it, as exporters do for models over 2 GB.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { ELEM_TYPE_CODES, type GraphBuilder } from './graph-builder.ts';

const { onnx } = onnxProto;

export interface WriteOptions {
  /** Initializers of at least this many bytes go to `externalFile`. */
  externalOver?: number;
  externalFile?: string;
}

export function writeModel(graph: GraphBuilder, file: string, options: WriteOptions = {}): void {
  const external: Buffer[] = [];
  let offset = 0;
  const initializer = graph.initializers.map((t) => {
    const base = { name: t.name, dims: t.dims, dataType: ELEM_TYPE_CODES[t.type] };
    // Integer constants (axes, shapes) stay inline: shape inference reads them at load time.
    if (
      options.externalOver !== undefined &&
      t.type.startsWith('float') &&
      t.bytes.length >= options.externalOver
    ) {
      const entry = {
        ...base,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: options.externalFile ?? 'weights.pb' },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(t.bytes.length) },
        ],
      };
      external.push(t.bytes);
      offset += t.bytes.length;
      return entry;
    }
    return { ...base, rawData: t.bytes };
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'imagine-bot model builder',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: graph.name, node: graph.nodes, initializer, input: graph.inputs, output: graph.outputs },
  });
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
  if (external.length > 0)
    writeFileSync(
      path.join(path.dirname(file), options.externalFile ?? 'weights.pb'),
      Buffer.concat(external),
    );
}
