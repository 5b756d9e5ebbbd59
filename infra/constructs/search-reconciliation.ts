import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { reconciliation } from '../config/reconciliation';
import type { StageConfig } from '../config/stages';
import type { DirectoryFunction } from './directory-function';

export interface SearchReconciliationProps {
  readonly config: StageConfig;
  /** The `reconcile-search-index` function: its grants come from its definition in config/functions.ts. */
  readonly reconciler: DirectoryFunction;
}

/**
 * Runs the reconciliation on a schedule. Its alarms (drift repaired; drift left or a failed run)
 * live with the stage's others in DirectoryMonitoring.
 */
export class SearchReconciliation extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SearchReconciliationProps) {
    super(scope, id);
    const { config, reconciler } = props;
    reconciler.function.addEnvironment('RECONCILE_SETTLE_SECONDS', String(reconciliation.settle.toSeconds()));
    // A failed run is not retried by Lambda: it would scan the whole table again at once and most
    // likely fail the same way; the next scheduled run is the retry, and the alarm says it failed.
    reconciler.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: reconciliation.maxEventAge });

    // An EventBridge rule, as for the expiry watch: it invokes through a resource policy on the
    // function, where EventBridge Scheduler would need a role of its own to assume.
    this.rule = new Rule(this, 'Schedule', {
      ruleName: `${config.resourcePrefix}-reconcile-search-index`,
      description: `Reconciles the search index with the programs table every ${reconciliation.interval.toHumanString()}`,
      schedule: Schedule.rate(reconciliation.interval),
    });
    this.rule.addTarget(
      new LambdaFunction(reconciler.function, {
        retryAttempts: reconciliation.retryAttempts,
        maxEventAge: reconciliation.maxEventAge,
      }),
    );
  }
}
