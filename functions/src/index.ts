/** The deployed Cloud Functions; each lives in its own file under `triggers/`. */
export { collector } from './triggers/collector.ts';
export { checker } from './triggers/checker.ts';
export { trainer } from './triggers/trainer.ts';
export { dashboard } from './triggers/dashboard.ts';
