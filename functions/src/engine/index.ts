/**
 * The gradient boosting engine: an XGBoost-compatible (`tree_method=hist`) trainer and predictor
 * in TypeScript, reading and writing XGBoost's JSON model format. No I/O, no logging.
 */
export { DMatrix, type DMatrixOptions } from './data/dmatrix.ts';
export { train, type TrainOptions, type IterationInfo } from './train.ts';
export { Booster, type PredictOptions } from './booster.ts';
export { evaluate, MAXIMIZE_METRICS, type EvaluateOptions } from './metrics.ts';
export { validateParams, OBJECTIVES, METRICS, PARAM_ALIASES, type BoosterParams, type ResolvedParams } from './params.ts';
export { IMPORTANCE_TYPES, type ImportanceType } from './importance.ts';
export { K as MODEL_KEYS } from './model-keys.ts';
export { trainMany, type TrainJob, type TrainManyOptions, type MatrixData, type ManyResult } from './train-many.ts';
export { predictMany, MIN_PARALLEL_TREE_WALKS, type PredictManyOptions } from './predict-many.ts';
export { closePredictPool } from './predict-pool.ts';
export { inSharedMemory, sharedFloat32Array } from './shared-memory.ts';
