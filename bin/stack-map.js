// Stack frames in the cached bundle, mapped back to the TypeScript sources
// (as tsx shows them). Node's own source-map support would read and parse
// every chunk's map as the chunk loads: tens of milliseconds on each start,
// for stacks that are printed only after an unexpected error. Here a map is
// read the first time a stack names its chunk.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Formats every stack from now on with frames in `dir` (the bundle's folder) mapped to their sources. */
export function mapStacksIn(dir) {
  const prefix = pathToFileURL(dir).href;
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) {
      let map = null;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        // No map: the frame stays as it is.
      }
      maps.set(file, map);
    }
    return maps.get(file);
  };
  const mapFrame = (frame) => {
    const text = frame.toString();
    const url = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (typeof url !== 'string' || !url.startsWith(prefix) || line === null || column === null) return text;
    const file = fileURLToPath(url);
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (typeof entry?.originalSource !== 'string') return text;
    const source = resolve(dirname(file), entry.originalSource);
    return text.replace(`${url}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
  };
  Error.prepareStackTrace = (error, frames) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = 'Error';
    }
    return header + frames.map((frame) => `\n    at ${mapFrame(frame)}`).join('');
  };
}
