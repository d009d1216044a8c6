// Copies a written ONNX model's graph into a builder under a name prefix, so a new graph can call it
// as a part: `inputs` maps the part's input names to values of the new graph; returns the value
// names of the part's outputs.
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { ELEM_TYPE_CODES, type ElemType, type GraphBuilder } from '../onnx-graph/graph-builder.ts';

const { onnx } = onnxProto;

const TYPE_OF_CODE = new Map<number, ElemType>(
  Object.entries(ELEM_TYPE_CODES).map(([type, code]) => [code, type as ElemType]),
);

export function graftModel(
  g: GraphBuilder,
  file: string,
  prefix: string,
  inputs: Record<string, string>,
): Record<string, string> {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const rename = (name: string | null | undefined) => (!name ? '' : (inputs[name] ?? `${prefix}${name}`));
  for (const t of graph.initializer) {
    const type = TYPE_OF_CODE.get(t.dataType ?? -1);
    const elements = (t.dims ?? []).reduce((n: number, d) => n * Number(d), 1);
    if (!type || (elements > 0 && (!t.rawData || t.rawData.length === 0))) {
      throw new Error(`graft: initializer ${t.name} of ${file} is not raw ${type ?? t.dataType} data`);
    }
    g.initializers.push({
      name: rename(t.name),
      type,
      dims: (t.dims ?? []).map(Number),
      bytes: Buffer.from(t.rawData ?? []),
    });
  }
  for (const n of graph.node) {
    g.nodes.push({
      ...n,
      name: `${prefix}${n.name}`,
      input: (n.input ?? []).map(rename),
      output: (n.output ?? []).map(rename),
    });
  }
  return Object.fromEntries(graph.output.map((o) => [o.name ?? '', rename(o.name)]));
}
