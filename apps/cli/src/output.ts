import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type Writable } from 'node:stream';

/** A text sink that respects backpressure: `write` waits when the stream's buffer is full. */
export class TextOutput {
  private constructor(
    private readonly stream: Writable,
    private readonly owned: boolean,
  ) {}

  /** A file (`append`: add to it, as a resumed replay does) or stdout (`-` or none). */
  static open(path: string | undefined, append = false): TextOutput {
    return path && path !== '-'
      ? new TextOutput(createWriteStream(path, { flags: append ? 'a' : 'w' }), true)
      : new TextOutput(process.stdout, false);
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
