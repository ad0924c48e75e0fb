/**
 * `recent_deployments`: the deployment records (stages/deploy/deployment-record.ts), newest first,
 * read through their schema — a record another version of the deploy stage wrote in a shape this
 * one does not know is listed as invalid, never shown half-read — with rollbacks marked and each
 * record's comparison report linked. An empty collection (no deploy stage yet) is an empty list.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { DeploymentRecordSchema } from '../deploy/deployment-record.ts';
import type { RecentDeployments } from './dashboard-schema.ts';
import { deploymentReportUrl } from './report-links.ts';

/** The latest `limit` deployments with counts per action. */
export async function recentDeployments(ports: Pick<Ports, 'records' | 'artifacts'>, config: RetrainingConfig, limit: number): Promise<RecentDeployments> {
  const recs = await ports.records.list(config.pipeline.collections.deployments, { orderBy: { field: 'createdAt', direction: 'desc' }, limit });
  const out: RecentDeployments = { deployments: [], counts: {}, invalid: [] };
  for (const rec of recs) {
    const parsed = DeploymentRecordSchema.safeParse(rec.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      out.invalid.push({ id: rec.id, message: issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid' });
      continue;
    }
    const d = parsed.data;
    out.counts[d.action] = (out.counts[d.action] ?? 0) + 1;
    out.deployments.push({
      ...d,
      isRollback: d.action === 'rollback' || d.outcome === 'rolled_back',
      reportUrl: await deploymentReportUrl(ports.artifacts, config, d.reportPath),
    });
  }
  return out;
}
