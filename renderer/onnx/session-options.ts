// How sessions are created: execution providers, threads, graph optimisation, optimised-model cache.

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface SessionSettings {
  /** In order of preference; `cpu` is always tried last. */
  providers: readonly ExecutionProvider[];
  /** Intra-op threads; 0 lets ONNX Runtime choose. */
  threads: number;
  graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
  /** Folder for optimised copies of models (loaded faster next time); none when unset. */
  cacheDir?: string;
  log?: (line: string) => void;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  providers: ['cpu'],
  threads: 0,
  graphOptimization: 'all',
};
