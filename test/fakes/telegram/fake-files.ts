// Files the fake knows: what users sent and what the bot uploaded. getFile hands out a path, the
// download route serves the bytes, and a file over the Bot API's 20 MB download limit is refused
// the way Telegram refuses it.
import { randomBytes } from 'node:crypto';

export const DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

export interface FakeFile {
  file_id: string;
  file_unique_id: string;
  /** The size Telegram reports; a test may declare a size larger than the bytes it registers. */
  file_size: number;
  file_path: string;
  bytes: Buffer;
}

export class FakeFiles {
  private byId = new Map<string, FakeFile>();
  private byPath = new Map<string, FakeFile>();
  /** Paths downloaded through /file/bot<token>/<path>, in order. */
  readonly downloads: string[] = [];

  register(bytes: Buffer, options: { declaredSize?: number; folder?: string; ext?: string } = {}): FakeFile {
    const id = randomBytes(12).toString('base64url');
    const file: FakeFile = {
      file_id: `F${id}`,
      file_unique_id: `U${id.slice(0, 10)}`,
      file_size: options.declaredSize ?? bytes.length,
      file_path: `${options.folder ?? 'documents'}/file_${this.byId.size}.${options.ext ?? 'bin'}`,
      bytes,
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }

  get(fileId: string): FakeFile | undefined {
    return this.byId.get(fileId);
  }

  download(filePath: string): Buffer | undefined {
    const file = this.byPath.get(filePath);
    if (file) this.downloads.push(filePath);
    return file?.bytes;
  }
}
