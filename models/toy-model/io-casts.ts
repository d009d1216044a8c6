// Float16 models take and give float16; the toy graphs compute in float32 and cast at the edges.
import type { GraphBuilder } from '../onnx-graph/graph-builder.ts';

const FLOAT = 1;
const FLOAT16 = 10;

export function floatInput(g: GraphBuilder, name: string, shape: (number | string)[], half: boolean): string {
  const value = g.input(name, half ? 'float16' : 'float32', shape);
  return half ? g.node('Cast', [value], { to: FLOAT }) : value;
}

export function floatOutput(
  g: GraphBuilder,
  value: string,
  name: string,
  shape: (number | string)[],
  half: boolean,
): void {
  if (half) g.output(g.node('Cast', [value], { to: FLOAT16 }), name, 'float16', shape);
  else g.output(value, name, 'float32', shape);
}
