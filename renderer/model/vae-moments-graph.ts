// diffusers' own ONNX conversion exports the VAE encoder as `latent_dist.sample()`: the graph draws its
// noise with an unseeded RandomNormal(Like) node, so the same seed gives another picture on every run.
// This finds the posterior's mean and log-variance inside such a graph (sample = mean + exp(0.5 *
// clip(logvar)) * noise) and makes them the graph's output `latent_parameters`, as optimum exports it,
// so the renderer draws the sample itself from the job's generator.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;

/** Ops that pass a tensor on unchanged in value (dtype casts included). */
const PASS_THROUGH = new Set(['Cast', 'Identity']);

export type MomentsEdit =
  | { kind: 'unchanged' }
  | { kind: 'edited'; model: Uint8Array }
  | { kind: 'impossible'; reason: string };

/** The edited model, or why it could not be made; `unchanged` when the graph draws no noise. */
export function exposeVaeMoments(modelBytes: Uint8Array): MomentsEdit {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  const nodes = graph?.node ?? [];
  const random = nodes.find((n) => n.opType === 'RandomNormalLike' || n.opType === 'RandomNormal');
  if (!graph || !random) return { kind: 'unchanged' };
  const impossible = (why: string): MomentsEdit => ({
    kind: 'impossible',
    reason: `its graph draws noise with ${random.opType} and ${why}`,
  });

  const external = (graph.initializer ?? []).some(
    (t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
  );
  if (external) return impossible('keeps its weights in a separate file, which an edited copy cannot reach');

  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of nodes) {
    for (const out of n.output ?? []) producer.set(out, n);
    for (const input of n.input ?? []) consumers.set(input, [...(consumers.get(input) ?? []), n]);
  }
  const constants = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const isConstant = (name: string) => constants.has(name) || producer.get(name)?.opType === 'Constant';
  /** Follows a tensor through casts to the one op that uses it. */
  const useOf = (name: string): { node: Node; via: string } | undefined => {
    let current = name;
    for (;;) {
      const users = consumers.get(current) ?? [];
      if (users.length !== 1) return undefined;
      const [user] = users;
      if (!PASS_THROUGH.has(user.opType ?? '')) return { node: user, via: current };
      current = user.output?.[0] ?? '';
    }
  };
  /** Walks back through casts to the op that made a tensor. */
  const sourceOf = (name: string): { node: Node | undefined; name: string } => {
    let current = name;
    let node = producer.get(current);
    while (node && PASS_THROUGH.has(node.opType ?? '')) {
      current = node.input?.[0] ?? '';
      node = producer.get(current);
    }
    return { node, name: current };
  };
  const other = (node: Node, name: string) => (node.input ?? []).find((i) => i !== name);

  const scaled = useOf(random.output?.[0] ?? '');
  if (scaled?.node.opType !== 'Mul') return impossible('its noise is not multiplied by the std');
  const stdName = other(scaled.node, scaled.via);
  const sum = useOf(scaled.node.output?.[0] ?? '');
  if (!stdName || !sum || sum.node.opType !== 'Add')
    return impossible('the scaled noise is not added to the mean');
  const meanName = other(sum.node, sum.via);
  if (!meanName) return impossible('the mean was not found');

  // std = exp(0.5 * clip(logvar, -30, 20)).
  const exp = sourceOf(stdName).node;
  if (exp?.opType !== 'Exp') return impossible('the std is not an Exp');
  const half = sourceOf(exp.input?.[0] ?? '').node;
  const halfInput =
    half && (half.opType === 'Mul' || half.opType === 'Div')
      ? (half.input ?? []).find((i) => !isConstant(i))
      : undefined;
  if (!halfInput) return impossible('the std is not exp(0.5 * logvar)');
  const clip = sourceOf(halfInput);
  const logvarName = clip.node?.opType === 'Clip' ? sourceOf(clip.node.input?.[0] ?? '').name : clip.name;

  const output = graph.output?.find((o) => o.name === sum.node.output?.[0]) ?? graph.output?.[0];
  const elemType = output?.type?.tensorType?.elemType ?? onnx.TensorProto.DataType.FLOAT;
  graph.node = [
    ...nodes,
    onnx.NodeProto.create({
      opType: 'Concat',
      name: 'exposed_vae_moments',
      input: [meanName, logvarName],
      output: ['latent_parameters'],
      attribute: [
        onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
      ],
    }),
  ];
  graph.output = [
    onnx.ValueInfoProto.create({
      name: 'latent_parameters',
      type: onnx.TypeProto.create({ tensorType: onnx.TypeProto.Tensor.create({ elemType }) }),
    }),
  ];
  return { kind: 'edited', model: onnx.ModelProto.encode(model).finish() };
}
