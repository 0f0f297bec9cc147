// The reader lives in shared/ so evaluation reads structured lines with the same validation as the producer.
export { readStructured, type Problem, type StructuredLine } from '../shared/perturbation/structured-line.js';
