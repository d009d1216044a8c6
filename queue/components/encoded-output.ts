// The deliverable of a job, whichever encoder made it: encode-image for pictures, encode-video for
// animate (its still plus the clip).
import type { EncodedOutput } from './encode-image.ts';
import type { VideoOutcome } from './services.ts';

export interface EncodedVideoOutput extends EncodedOutput {
  video: VideoOutcome;
}

export function encodedOutputOf(
  outputs: Record<string, unknown>,
): (EncodedOutput & { video?: VideoOutcome }) | undefined {
  return (outputs['encode-image'] ?? outputs['encode-video']) as
    | (EncodedOutput & { video?: VideoOutcome })
    | undefined;
}
