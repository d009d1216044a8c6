// GET /openapi.json: the OpenAPI 3.1 description of this API, generated from the same zod schemas that
// check requests and type answers. Built once per app (limits and defaults are in it).
import { z } from 'zod';
import type { Config } from '../../../core/config/config.ts';
import { paramsSchema } from '../../../core/job/params.ts';
import { A1111Img2ImgSchema, A1111Txt2ImgSchema } from '../compat/a1111-request.ts';
import { EasyAnimateInferSchema } from '../compat/easyanimate-request.ts';
import { SubmitBodySchema } from '../jobs/submit/submit-body.ts';
import {
  CancelledSchema,
  ErrorSchema,
  JobAcceptedSchema,
  JobViewSchema,
  ModelsSchema,
  RecentJobsSchema,
} from './response-schemas.ts';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** The job body, with `params` spelled out from the params schema (the prompt is a top-level field). */
function submitBodyJsonSchema(config: Config): Json {
  const body = jsonSchema(SubmitBodySchema, 'input') as { properties: Json };
  const params = jsonSchema(paramsSchema(config.limits, config.defaults), 'input') as {
    properties: Json;
    required?: string[];
  };
  const { prompt: _prompt, ...properties } = params.properties;
  body.properties.params = {
    ...params,
    properties,
    required: (params.required ?? []).filter((r) => r !== 'prompt'),
    description: 'Explicit params; they win over flags in the prompt.',
  };
  return body;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const answer = (description: string, ref: string) => ({ description, content: json(ref) });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), answer('Error (see error.code and error.problems)', 'Error')]),
  );
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

export function openApiDocument(config: Config): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'imagine-bot HTTP API',
      version: '0.1.0',
      description:
        'Submit picture jobs, follow them (polling or Server-Sent Events), fetch results. Callbacks are signed the Standard Webhooks way.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      schemas: {
        SubmitJob: submitBodyJsonSchema(config),
        JobAccepted: jsonSchema(JobAcceptedSchema, 'output'),
        Job: jsonSchema(JobViewSchema, 'output'),
        Cancelled: jsonSchema(CancelledSchema, 'output'),
        Models: jsonSchema(ModelsSchema, 'output'),
        RecentJobs: jsonSchema(RecentJobsSchema, 'output'),
        Error: jsonSchema(ErrorSchema, 'output'),
        A1111Txt2Img: jsonSchema(A1111Txt2ImgSchema, 'input'),
        A1111Img2Img: jsonSchema(A1111Img2ImgSchema, 'input'),
        EasyAnimateInfer: jsonSchema(EasyAnimateInferSchema, 'input'),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/jobs': {
        get: {
          summary: "Your newest jobs, newest first (the web page's gallery)",
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 20 } },
            {
              name: 'status',
              in: 'query',
              description: 'Only jobs of these statuses, comma-separated, e.g. done',
              schema: { type: 'string' },
            },
          ],
          responses: { '200': answer('Jobs', 'RecentJobs'), ...errors(400, 401) },
        },
        post: {
          summary: 'Submit a job',
          parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 255 } }],
          requestBody: {
            required: true,
            content: {
              ...json('SubmitJob'),
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  description:
                    'The same fields as text (params and parent as JSON text); image and mask as files.',
                  properties: {
                    image: { type: 'string', format: 'binary' },
                    mask: { type: 'string', format: 'binary' },
                  },
                },
              },
            },
          },
          responses: {
            '202': answer('Accepted', 'JobAccepted'),
            ...errors(400, 401, 409, 413, 415, 429, 503),
          },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: 'A job',
          parameters: [idParam],
          responses: { '200': answer('The job', 'Job'), ...errors(401, 403, 404) },
        },
        delete: {
          summary: 'Cancel a job (owner only)',
          parameters: [idParam],
          responses: { '200': answer('Cancelled', 'Cancelled'), ...errors(401, 403, 404, 409) },
        },
      },
      '/v1/jobs/{id}/events': {
        get: {
          summary: 'Server-Sent Events of a job, ending after done, failed or cancelled',
          parameters: [idParam, { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }],
          responses: { '200': { description: 'text/event-stream' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/artifacts/{id}': {
        get: {
          summary:
            'A stored picture (no key needed: the id is random per stored picture, known only to whoever was given it)',
          security: [],
          parameters: [idParam],
          responses: { '200': { description: 'The bytes' }, ...errors(404) },
        },
      },
      '/v1/models': {
        get: {
          summary: 'Models live renderers can draw with',
          responses: { '200': answer('Models', 'Models') },
        },
      },
      '/healthz': {
        get: { summary: 'The process answers', security: [], responses: { '200': { description: 'ok' } } },
      },
      '/readyz': {
        get: {
          summary: 'Redis answers and a renderer is live',
          security: [],
          responses: {
            '200': { description: 'ready' },
            '503': { description: 'not ready, with the reason' },
          },
        },
      },
      '/hooks/{name}': {
        post: {
          summary:
            'Inbound webhook trigger, signed with the hook secret (x-hook-timestamp, x-hook-signature)',
          security: [],
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '202': { description: 'Accepted' }, ...errors(400, 401, 404) },
        },
      },
      '/sdapi/v1/txt2img': {
        post: {
          summary: 'AUTOMATIC1111 txt2img',
          requestBody: { content: json('A1111Txt2Img') },
          responses: { '200': { description: 'images, parameters, info' } },
        },
      },
      '/sdapi/v1/img2img': {
        post: {
          summary: 'AUTOMATIC1111 img2img',
          requestBody: { content: json('A1111Img2Img') },
          responses: { '200': { description: 'images, parameters, info' } },
        },
      },
      '/sdapi/v1/progress': {
        get: {
          summary: 'AUTOMATIC1111 progress of your latest job',
          responses: { '200': { description: 'progress' } },
        },
      },
      '/sdapi/v1/interrupt': {
        post: {
          summary: 'AUTOMATIC1111 interrupt your latest job (its request answers with the picture so far)',
          responses: { '200': { description: 'ok' } },
        },
      },
      '/sdapi/v1/samplers': {
        get: { summary: 'AUTOMATIC1111 sampler list', responses: { '200': { description: 'samplers' } } },
      },
      '/sdapi/v1/sd-models': {
        get: { summary: 'AUTOMATIC1111 model list', responses: { '200': { description: 'models' } } },
      },
      '/sdapi/v1/schedulers': {
        get: { summary: 'AUTOMATIC1111 schedule list', responses: { '200': { description: 'schedulers' } } },
      },
      '/sdapi/v1/upscalers': {
        get: { summary: 'AUTOMATIC1111 upscaler list', responses: { '200': { description: 'upscalers' } } },
      },
      '/sdapi/v1/options': {
        get: { summary: 'AUTOMATIC1111 settings', responses: { '200': { description: 'options' } } },
        post: {
          summary: 'Choose your AUTOMATIC1111 checkpoint (sd_model_checkpoint); other settings are fixed',
          responses: { '200': { description: 'null' }, ...errors(400) },
        },
      },
      '/sdapi/v1/png-info': {
        post: {
          summary: 'AUTOMATIC1111 PNG info: the parameters a picture carries',
          responses: { '200': { description: 'info, items, parameters' }, ...errors(400, 413) },
        },
      },
      '/easyanimate/infer_forward': {
        post: {
          summary: 'EasyAnimate inference: an MP4 of length_slider frames (or a picture with is_image)',
          requestBody: { content: json('EasyAnimateInfer') },
          responses: { '200': { description: 'message, base64_encoding' }, ...errors(400) },
        },
      },
      '/easyanimate/update_diffusion_transformer': {
        post: { summary: 'Choose the model', responses: { '200': { description: 'message' } } },
      },
      '/easyanimate/update_edition': {
        post: { summary: 'Choose the edition', responses: { '200': { description: 'message' } } },
      },
    },
  };
}
