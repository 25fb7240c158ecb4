{#- CloudWatch alarms (gen/stack_ctx_alarms.c computes each one). -#}
{%- if alarm_topic %}

# CloudWatch alarms (the spec's `alarms`), each publishing to its topic.
{%- for a in alarms %}

resource "aws_cloudwatch_metric_alarm" "{{ a.id }}" {
  alarm_name          = {{ a.name | hcl }}
  alarm_description   = {{ a.description | hcl }}
  namespace           = {{ a.namespace | hcl }}
  metric_name         = {{ a.metric | hcl }}
  statistic           = {{ a.statistic | hcl }}
  period              = {{ a.period }}
  evaluation_periods  = {{ a.periods }}
  datapoints_to_alarm = {{ a.periods }}
  threshold           = {{ a.threshold }}
  comparison_operator = {{ a.comparison | hcl }}
  treat_missing_data  = {{ a.missing | hcl }}

  dimensions = {
    {{ a.dimension_name }} = {{ a.dimension_ref if a.dimension_ref else a.dimension | hcl }}
  }

  alarm_actions = [local.topic_arns[{{ alarm_topic | hcl }}]]
}
{%- endfor %}
{%- endif %}
