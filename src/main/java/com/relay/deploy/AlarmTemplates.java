package com.relay.deploy;

import java.util.List;
import java.util.Set;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.CfnAlarmProps;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.constructs.Construct;

/**
 * Turns the alarms {@code relay provision} puts ({@code AlarmProvisioner.desired}) into
 * {@code AWS::CloudWatch::Alarm} resources, field by field, so an alarm added there is in the
 * template too. A request field this class does not carry is refused rather than dropped.
 */
public final class AlarmTemplates {

    /** The PutMetricAlarm fields carried into the template (SDK member names). */
    static final Set<String> ALARM_FIELDS = Set.of("AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions",
            "AlarmActions", "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
            "Dimensions", "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
            "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId");
    static final Set<String> QUERY_FIELDS = Set.of("Id", "MetricStat", "Expression", "Label", "ReturnData", "Period",
            "AccountId");

    private AlarmTemplates() {}

    /** One CfnAlarm per request, with a construct id derived from the alarm name. */
    public static List<CfnAlarm> define(Construct scope, List<PutMetricAlarmRequest> alarms) {
        return alarms.stream().map(a -> new CfnAlarm(scope, "Alarm-" + a.alarmName(), props(a))).toList();
    }

    static CfnAlarmProps props(PutMetricAlarmRequest a) {
        refuseUnknown(a, ALARM_FIELDS, "alarm " + a.alarmName());
        CfnAlarmProps.Builder b = CfnAlarmProps.builder()
                .alarmName(a.alarmName())
                .alarmDescription(a.alarmDescription())
                .actionsEnabled(a.actionsEnabled())
                .comparisonOperator(a.comparisonOperatorAsString())
                .evaluationPeriods(a.evaluationPeriods())
                .datapointsToAlarm(a.datapointsToAlarm())
                .threshold(a.threshold())
                .thresholdMetricId(a.thresholdMetricId())
                .treatMissingData(a.treatMissingData())
                .evaluateLowSampleCountPercentile(a.evaluateLowSampleCountPercentile())
                .namespace(a.namespace())
                .metricName(a.metricName())
                .statistic(a.statisticAsString())
                .extendedStatistic(a.extendedStatistic())
                .period(a.period())
                .unit(a.unitAsString());
        if (a.hasAlarmActions() && !a.alarmActions().isEmpty()) b.alarmActions(a.alarmActions());
        if (a.hasOkActions() && !a.okActions().isEmpty()) b.okActions(a.okActions());
        if (a.hasInsufficientDataActions() && !a.insufficientDataActions().isEmpty()) {
            b.insufficientDataActions(a.insufficientDataActions());
        }
        if (a.hasDimensions() && !a.dimensions().isEmpty()) {
            b.dimensions(a.dimensions().stream().map(AlarmTemplates::dimension).toList());
        }
        if (a.hasMetrics() && !a.metrics().isEmpty()) {
            b.metrics(a.metrics().stream().map(q -> query(q, a.alarmName())).toList());
        }
        return b.build();
    }

    private static Object dimension(Dimension d) {
        return CfnAlarm.DimensionProperty.builder().name(d.name()).value(d.value()).build();
    }

    private static Object query(MetricDataQuery q, String alarm) {
        refuseUnknown(q, QUERY_FIELDS, "alarm " + alarm + " query " + q.id());
        CfnAlarm.MetricDataQueryProperty.Builder b = CfnAlarm.MetricDataQueryProperty.builder()
                .id(q.id()).expression(q.expression()).label(q.label()).returnData(q.returnData()).period(q.period())
                .accountId(q.accountId());
        if (q.metricStat() != null) {
            var s = q.metricStat();
            var m = s.metric();
            CfnAlarm.MetricProperty.Builder metric = CfnAlarm.MetricProperty.builder()
                    .namespace(m.namespace()).metricName(m.metricName());
            if (m.hasDimensions() && !m.dimensions().isEmpty()) {
                metric.dimensions(m.dimensions().stream().map(AlarmTemplates::dimension).toList());
            }
            b.metricStat(CfnAlarm.MetricStatProperty.builder().metric(metric.build()).period(s.period())
                    .stat(s.stat()).unit(s.unitAsString()).build());
        }
        return b.build();
    }

    /** A field set on the request that the template would silently lose is an error. */
    private static void refuseUnknown(SdkPojo pojo, Set<String> carried, String what) {
        for (SdkField<?> f : pojo.sdkFields()) {
            Object v = f.getValueOrDefault(pojo);
            boolean set = v != null && !(v instanceof java.util.Collection<?> c && c.isEmpty())
                    && !(v instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>);
            if (set && !carried.contains(f.memberName())) {
                throw new IllegalStateException(what + " sets " + f.memberName()
                        + ", which AlarmTemplates does not carry into the CDK template: add it there");
            }
        }
    }
}
