// The linear toy VAE as ONNX: the encoder pools 8x8 and maps RGB to 4 channels; the decoder maps
// back with the pseudo-inverse and resizes x8 (linear, so edges are smooth).
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { floatInput, floatOutput } from './io-casts.ts';
import { decoderMap, ENCODER_MAP } from './vae-map.ts';
import type { ModelVariant } from './variant.ts';

export function vaeEncoderGraph(variant: ModelVariant): GraphBuilder {
  const g = new GraphBuilder('toy_vae_encoder');
  const x = floatInput(g, 'sample', ['batch', 3, 'height', 'width'], variant.float16);
  const pooled = g.node('AveragePool', [x], { kernel_shape: [8, 8], strides: [8, 8] });
  const weight = g.constant('float32', [4, 3, 1, 1], ENCODER_MAP.flat());
  const mean = g.node('Conv', [pooled, weight]);
  if (variant.vaeEncoderOutput === 'latent_parameters') {
    // Mean and a tiny log-variance: the 8 channels of a diagonal Gaussian.
    const logvar = g.node('Add', [g.node('Mul', [mean, g.scalar(0)]), g.scalar(-20)]);
    const moments = g.node('Concat', [mean, logvar], { axis: 1 });
    floatOutput(
      g,
      moments,
      'latent_parameters',
      ['batch', 8, 'latent_height', 'latent_width'],
      variant.float16,
    );
  } else {
    floatOutput(g, mean, 'latent_sample', ['batch', 4, 'latent_height', 'latent_width'], variant.float16);
  }
  return g;
}

export function vaeDecoderGraph(variant: ModelVariant): GraphBuilder {
  const g = new GraphBuilder('toy_vae_decoder');
  const z = floatInput(g, 'latent_sample', ['batch', 4, 'latent_height', 'latent_width'], variant.float16);
  const rgb = g.node('Conv', [z, g.constant('float32', [3, 4, 1, 1], decoderMap().flat())]);
  const scales = g.constant('float32', [4], [1, 1, 8, 8]);
  const big = g.node('Resize', [rgb, '', scales], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  floatOutput(g, big, 'sample', ['batch', 3, 'height', 'width'], variant.float16);
  return g;
}
