// Ways a built model may differ, to exercise the loader: dtypes and shapes that real exports use.
export interface ModelVariant {
  /** Element type of the UNet's timestep input. */
  timestepType: 'float32' | 'int64';
  /** Shape of the timestep input: [1], [batch], or a scalar. */
  timestepShape: 'one' | 'batch' | 'scalar';
  inputIdsType: 'int32' | 'int64';
  /** `latent_parameters` is the 8-channel mean and log-variance some exports output. */
  vaeEncoderOutput: 'latent_sample' | 'latent_parameters';
  /** Float inputs and outputs of every part in float16. */
  float16: boolean;
  /** Put the UNet's large weights in an external `weights.pb`. */
  externalWeights: boolean;
}

export const DEFAULT_VARIANT: ModelVariant = {
  timestepType: 'float32',
  timestepShape: 'one',
  inputIdsType: 'int32',
  vaeEncoderOutput: 'latent_sample',
  float16: false,
  externalWeights: false,
};
