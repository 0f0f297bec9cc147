import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';

/**
 * Rows of a Parquet file as its footer declares them (the file's row groups are not read), or a one-line reason it is
 * not a readable Parquet file. Used where a JSONL file's lines would be counted.
 */
export async function parquetRowCount(path: string): Promise<number | { problem: string }> {
  try {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
    return Number(metadata.num_rows);
  } catch (error) {
    return { problem: `not a readable Parquet file (${error instanceof Error ? error.message : String(error)})` };
  }
}
