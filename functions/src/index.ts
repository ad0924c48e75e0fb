/** The deployed Cloud Functions; each lives in its own file under `triggers/`. */
export { collector } from './triggers/collector.ts';
export { checker } from './triggers/checker.ts';
export { trainer } from './triggers/trainer.ts';
export { deployer } from './triggers/deployer.ts';
export { canaryWatcher } from './triggers/canary-watcher.ts';
export { rollup } from './triggers/rollup.ts';
export { predict } from './triggers/predict.ts';
export { dashboard } from './triggers/dashboard.ts';
