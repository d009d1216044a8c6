// Encode: the rendered PNGs as they will be delivered, plus a grid picture when there are several
// (chat surfaces show one picture with numbered buttons, as people know from other bots).
import sharp from 'sharp';
import { makeGrid } from '../../renderer/image/make-grid.ts';
import { encodePng } from '../../renderer/image/png-text.ts';
import type { ComponentHandler } from '../orchestrator/component-worker.ts';
import type { RenderOutput } from './render.ts';
import type { ComponentServices } from './services.ts';

export interface EncodedOutput {
  images: { artifact: string; seed: number; contentType: string; infotext?: string }[];
  grid?: string;
  warnings: string[];
}

export function encodeImageComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const rendered = ctx.state.outputs.render as RenderOutput;
    const images = rendered.images.map((i) => ({ ...i, contentType: 'image/png' }));
    const output: EncodedOutput = { images, warnings: rendered.warnings };
    if (images.length > 1) {
      const pictures = [];
      for (const image of images) {
        const stored = await services.artifacts.get(image.artifact);
        if (!stored) throw new Error(`rendered picture ${image.artifact} is missing`);
        const { data, info } = await sharp(stored.bytes)
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        pictures.push({ rgb: data, width: info.width, height: info.height });
      }
      const grid = makeGrid(pictures);
      const png = await encodePng(grid.rgb, grid.width, grid.height);
      output.grid = (await services.artifacts.put(png, 'image/png', { ttlMs: services.resultTtlMs })).id;
    }
    return output;
  };
}
