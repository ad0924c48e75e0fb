/**
 * The one owner of deployment records (`pipeline.collections.deployments`): ids, creation
 * (write-once: a replay finds its record instead of writing a second one), the later outcome of
 * a canary or a deployment that was promoted or rolled back, and the history listing. Records
 * that fail their schema are skipped in listings and reported, never thrown.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RetrainingConfig } from '../../config/schema.ts';
import { stamp } from '../../models/layout.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { DeploymentRecordSchema, type DeploymentOutcome, type DeploymentRecord } from './deployment-record.ts';

/** A record before it is stored (timestamps are added on write). */
export type DeploymentDraft = Omit<DeploymentRecord, 'createdAt' | 'updatedAt'>;

/** A fresh id for a deployment started by a person or a function (`dep_20261127_080000_3fa9c1`). */
export function newDeploymentId(at: Date): string {
  return `dep_${stamp(at)}_${randomBytes(3).toString('hex')}`;
}

/** The id of the deployment a pipeline run asks for: one per run, so a redelivered message finds it. */
export function runDeploymentId(runId: string): string {
  return `dep_${runId}`;
}

/** A deterministic id from parts (every instance that sees the same event derives the same id). */
export function derivedDeploymentId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16)}`;
}

function collection(config: RetrainingConfig): string {
  return config.pipeline.collections.deployments;
}

/** Firestore rejects `undefined`: records go through JSON. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** A stored record, or null (also when it fails its schema). */
export async function getDeployment(ports: Pick<Ports, 'records'>, config: RetrainingConfig, id: string): Promise<DeploymentRecord | null> {
  const rec = await ports.records.get(collection(config), id);
  if (!rec) return null;
  const parsed = DeploymentRecordSchema.safeParse(rec.data);
  return parsed.success ? parsed.data : null;
}

/** Store a new record; when the id exists already (a replay), the stored one is returned instead. */
export async function createDeployment(ports: Pick<Ports, 'records' | 'clock'>, config: RetrainingConfig, draft: DeploymentDraft): Promise<{ record: DeploymentRecord; created: boolean }> {
  const at = ports.clock.now().toISOString();
  const record = DeploymentRecordSchema.parse({ ...draft, createdAt: at, updatedAt: at });
  try {
    await ports.records.create(collection(config), record.deploymentId, plain(record));
    return { record, created: true };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const existing = await getDeployment(ports, config, record.deploymentId);
    if (!existing) throw err;
    return { record: existing, created: false };
  }
}

/** Set the later outcome of an earlier record (a canary promoted, a deployment rolled back); missing records are ignored. */
export async function settleDeployment(ports: Pick<Ports, 'records' | 'clock'>, config: RetrainingConfig, id: string | null | undefined, outcome: DeploymentOutcome): Promise<void> {
  if (!id) return;
  try {
    await ports.records.update(collection(config), id, { outcome, updatedAt: ports.clock.now().toISOString() });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** The history, newest first; records that fail their schema are counted in `invalid`. */
export async function listDeployments(ports: Pick<Ports, 'records'>, config: RetrainingConfig, opts: { limit?: number } = {}): Promise<{ records: DeploymentRecord[]; invalid: string[] }> {
  const stored = await ports.records.list(collection(config), { orderBy: { field: 'createdAt', direction: 'desc' }, ...(opts.limit ? { limit: opts.limit } : {}) });
  const records: DeploymentRecord[] = [];
  const invalid: string[] = [];
  for (const r of stored) {
    const parsed = DeploymentRecordSchema.safeParse(r.data);
    if (parsed.success) records.push(parsed.data);
    else invalid.push(r.id);
  }
  return { records, invalid };
}
