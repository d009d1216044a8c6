// The shapes routes answer with, as zod schemas: the OpenAPI document is generated from them and the
// handlers are typed by them, so the two cannot drift apart.
import { z } from 'zod';
import { JOB_KINDS } from '../../../core/job/job.ts';

export const ProblemSchema = z.object({
  field: z.string().describe('The body field, header or query parameter, e.g. params.width'),
  value: z.unknown().optional(),
  problem: z.string().describe('What is wrong and what is allowed'),
});

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().describe('invalid_input, unauthorized, forbidden, not_found, rate_limited, ...'),
    message: z.string(),
    reason: z.string().optional(),
    problems: z.array(ProblemSchema).optional(),
    retryAfter: z.number().int().optional().describe('Seconds; also sent as Retry-After'),
  }),
});

export const QueueSchema = z.object({
  position: z.number().int().describe('1 = next to render'),
  etaMs: z.number().int().optional(),
});

export const ImageResultSchema = z.object({
  url: z.string(),
  artifact: z.string(),
  seed: z.number().int(),
  contentType: z.string(),
});

export const ResultSchema = z.object({
  images: z.array(ImageResultSchema),
  grid: z.object({ url: z.string(), artifact: z.string() }).optional(),
  /** Animate jobs: the clip (images then hold frame 0 as a still). */
  video: z
    .object({
      url: z.string(),
      artifact: z.string(),
      contentType: z.string(),
      format: z.enum(['mp4', 'webm', 'gif']),
      frames: z.number().int(),
      fps: z.number(),
      width: z.number().int(),
      height: z.number().int(),
      bytes: z.number().int(),
    })
    .optional(),
  warnings: z.array(z.string()),
});

export const JobAcceptedSchema = z.object({
  id: z.string(),
  status: z.string(),
  statusUrl: z.string(),
  eventsUrl: z.string(),
  queue: QueueSchema,
  params: z.record(z.string(), z.unknown()).describe('The params as the job will render them, seed included'),
  replayed: z.boolean().describe('True when an Idempotency-Key repeat returned the earlier job'),
});

export const DeliverySchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  durationMs: z.number(),
  status: z.number().int().optional(),
  error: z.string().optional(),
  retryInMs: z.number().optional(),
});

export const JobViewSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  status: z
    .string()
    .describe('received, ingesting, rendering, encoding, delivering, done, failed, cancelled'),
  module: z.object({ index: z.number().int(), name: z.string() }),
  components: z.array(
    z.object({
      name: z.string(),
      // skipped: succeeded with nothing to do for this job (no chat to reply in, no callbackUrl).
      state: z.enum(['pending', 'called', 'succeeded', 'skipped', 'failed']),
    }),
  ),
  progress: z
    .object({ step: z.number().int(), total: z.number().int(), previewUrl: z.string().optional() })
    .optional(),
  queue: QueueSchema.optional(),
  params: z.record(z.string(), z.unknown()),
  result: ResultSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  callback: z
    .object({ attempts: z.array(DeliverySchema) })
    .optional()
    .describe('The delivery log of the callback'),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  links: z.object({ self: z.string(), events: z.string() }),
});

export const RecentJobsSchema = z.object({
  jobs: z.array(
    JobViewSchema.extend({
      inputs: z
        .object({
          image: z.union([z.string(), z.object({ artifact: z.string() })]).optional(),
          mask: z.union([z.string(), z.object({ artifact: z.string() })]).optional(),
        })
        .describe('The input pictures as POST /v1/jobs takes them back (a reroll sends them again)'),
      parent: z.object({ jobId: z.string(), index: z.number().int() }).optional(),
    }),
  ),
});

export const CancelledSchema = z.object({
  id: z.string(),
  status: z.literal('cancelled'),
  stopped: z.array(z.string()),
});

export const ModelsSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      renderers: z.number().int(),
      loaded: z.number().int().describe('Renderers with it in memory (no load time)'),
      devices: z.array(z.string()),
      maxPixels: z.number().int(),
      family: z
        .string()
        .optional()
        .describe('sd15, sd2, sdxl, sdxl-inpaint, toy, ... (from the model folder or its imagine.json)'),
      width: z.number().int().optional().describe('Natural width: the default, and the area --ar fits to'),
      height: z.number().int().optional(),
      defaults: z
        .object({
          steps: z.number().int().optional(),
          guidance: z.number().optional(),
          sampler: z.string().optional(),
        })
        .optional()
        .describe("The model's own defaults (imagine.json), taken when a job gives none"),
    }),
  ),
  renderers: z.number().int(),
});

export type JobAccepted = z.infer<typeof JobAcceptedSchema>;
export type JobView = z.infer<typeof JobViewSchema>;
export type ResultView = z.infer<typeof ResultSchema>;
export type ModelsView = z.infer<typeof ModelsSchema>;
export type RecentJobsView = z.infer<typeof RecentJobsSchema>;
