// A model folder that does not fit: the message names the file and what was expected there.
export class ModelFolderError extends Error {
  constructor(
    readonly file: string,
    readonly expected: string,
  ) {
    super(`${file}: ${expected}`);
    this.name = 'ModelFolderError';
  }
}
