/**
 * A file a scan could not read, and why. Its own module so that the streamed path
 * (streamed.ts) can report failures without importing the engine that loads it.
 */
export interface ScanFileError {
  file: string;
  reason: string;
  message: string;
}
