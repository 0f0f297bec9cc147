import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';

/**
 * Rows of a Parquet file as plain objects, read by a different implementation than s2d's writer: parquet-wasm
 * (the Rust `parquet` crate of Apache Arrow, compiled to WebAssembly) into an Apache Arrow table.
 */
export function readParquetRows(bytes: Uint8Array): { schema: string; rows: unknown[] } {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  // toJSON on a row gives nested Arrow vectors for list columns; a JSON round trip makes them plain arrays.
  const rows = table.toArray().map((row: { toJSON(): unknown }) => JSON.parse(JSON.stringify(row.toJSON())) as unknown);
  return { schema: table.schema.fields.map((field) => `${field.name}: ${String(field.type)}`).join(', '), rows };
}
