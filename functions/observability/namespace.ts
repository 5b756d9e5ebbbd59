/** The CloudWatch namespace of every custom metric; the CDK alarms and dashboard read it too. */
export const METRICS_NAMESPACE = 'IopDirectory';
