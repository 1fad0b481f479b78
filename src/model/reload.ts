// What the last watchbook reload found: one record the worker's watcher writes and the web role shows.

/** What the last reload attempt found; shown by the health endpoint and as a metric. */
export interface ReloadStatus {
  ok: boolean;
  at: number;
  problems: string[];
}
