/**
 * Logging callbacks of Train runs: the structural {@link TrainCallback} interface and
 * the JSON, CSV and MLflow loggers.
 */
export type { TrainCallback, RunInfo, ReportInfo, RunOutcome } from './callback.js';
export { LoggerCallback } from './logger-callback.js';
export { JsonLoggerCallback, type FileLoggerOptions } from './json-logger.js';
export { CsvLoggerCallback } from './csv-logger.js';
export { MLflowLoggerCallback, type MLflowLoggerOptions } from './mlflow-logger.js';
export { flattenDict } from './flatten.js';
export {
  TrainProgressReporter, formatElapsed, formatMetrics, type TrainProgressReporterOptions, type ProgressStream,
} from './progress-reporter.js';
