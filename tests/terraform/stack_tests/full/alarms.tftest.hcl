# terraform test of the generated root stack of tests/generate/cases/full
# (run_stack_tests.py copies this file into the stack's tests/ folder):
# the `alarms: {topic: reports}` of the spec, with a mocked AWS provider.
mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

override_resource {
  target          = aws_sns_topic.reports
  override_during = plan
  values          = { arn = "arn:aws:sns:us-west-2:123456789012:acme-cron-reports" }
}

override_resource {
  target          = aws_sns_topic.alerts
  override_during = plan
  values          = { arn = "arn:aws:sns:us-west-2:123456789012:acme-cron-alerts.fifo" }
}

run "alarms_publish_to_the_alarms_topic_only" {
  command = plan

  assert {
    condition = alltrue([for a in [
      aws_cloudwatch_metric_alarm.task_nightly_report_errors, aws_cloudwatch_metric_alarm.task_nightly_report_throttles,
      aws_cloudwatch_metric_alarm.task_nightly_report_dead_letter, aws_cloudwatch_metric_alarm.task_migrate_once_errors,
      aws_cloudwatch_metric_alarm.task_migrate_once_throttles, aws_cloudwatch_metric_alarm.notify_ops_email_errors,
      aws_cloudwatch_metric_alarm.notify_ops_email_dead_letter, aws_cloudwatch_metric_alarm.notify_ops_sms_errors,
      aws_cloudwatch_metric_alarm.notify_ops_sms_dead_letter, aws_cloudwatch_metric_alarm.notify_debug_errors,
      aws_cloudwatch_metric_alarm.notify_debug_dead_letter,
    ] : a.alarm_actions == toset(["arn:aws:sns:us-west-2:123456789012:acme-cron-reports"]) && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold" && a.treat_missing_data == "notBreaching"])
    error_message = "every alarm fires on any occurrence and publishes to the `reports` topic, and only there"
  }
}

run "each_task_alarms_on_errors_and_throttles_of_its_function" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.task_nightly_report_errors.namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.task_nightly_report_errors.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.task_nightly_report_errors.dimensions.FunctionName == "acme-cron-nightly-report" &&
      aws_cloudwatch_metric_alarm.task_nightly_report_throttles.metric_name == "Throttles" &&
      aws_cloudwatch_metric_alarm.task_nightly_report_throttles.dimensions.FunctionName == "acme-cron-nightly-report" &&
      aws_cloudwatch_metric_alarm.task_migrate_once_errors.dimensions.FunctionName == "acme-cron-migrate-once" &&
      aws_cloudwatch_metric_alarm.task_migrate_once_throttles.dimensions.FunctionName == "acme-cron-migrate-once"
    )
    error_message = "a task's errors and throttles alarms watch its own function"
  }
}

run "dead_letter_queues_alarm_on_any_message" {
  command = plan

  assert {
    condition = alltrue([for a in [
      aws_cloudwatch_metric_alarm.task_nightly_report_dead_letter, aws_cloudwatch_metric_alarm.notify_ops_email_dead_letter,
      aws_cloudwatch_metric_alarm.notify_ops_sms_dead_letter, aws_cloudwatch_metric_alarm.notify_debug_dead_letter,
    ] : a.namespace == "AWS/SQS" && a.metric_name == "ApproximateNumberOfMessagesVisible" && a.statistic == "Maximum"])
    error_message = "each dead-letter queue alarms on its visible messages"
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.task_nightly_report_dead_letter.dimensions.QueueName == "acme-cron-nightly-report-dlq" &&
      aws_cloudwatch_metric_alarm.notify_ops_email_dead_letter.dimensions.QueueName == "acme-cron-ops-email-dlq.fifo" &&
      aws_cloudwatch_metric_alarm.notify_debug_errors.dimensions.FunctionName == "acme-cron-debug"
    )
    error_message = "each alarm watches the queue or function of its own task or channel (FIFO queues by their .fifo name)"
  }
}
