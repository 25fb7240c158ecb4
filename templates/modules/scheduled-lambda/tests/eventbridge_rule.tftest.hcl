# The EventBridge rule option: a rule, a target and a Lambda permission bound
# to the rule's ARN; no Scheduler schedule or role.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-cron-hourly"
    }
  }

  # The role's policy reads the region from the log group's ARN.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/acme-cron-hourly"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-hourly"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:us-west-2:123456789012:rule/acme-cron-hourly"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-hourly-dlq"
    }
  }
}

variables {
  function_name          = "acme-cron-hourly"
  image_uri              = "123456789012.dkr.ecr.us-west-2.amazonaws.com/report@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  schedule_expression    = "rate(1 hour)"
  schedule_name          = "acme-cron-hourly"
  role_name              = "acme-cron-hourly"
  use_eventbridge_rule   = true
  dead_letter            = true
  dead_letter_queue_name = "acme-cron-hourly-dlq"
  input_json             = "{\"kind\":\"hourly\"}"
}

run "rule_wiring" {
  command = apply

  assert {
    condition     = length(aws_scheduler_schedule.this) == 0 && length(aws_iam_role.scheduler) == 0 && length(terraform_data.one_time_schedule) == 0
    error_message = "a rule needs no Scheduler schedule or role"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.this[0].schedule_expression == "rate(1 hour)" && aws_cloudwatch_event_rule.this[0].state == "ENABLED"
    error_message = "the rule must carry the schedule and be enabled"
  }

  assert {
    condition     = aws_cloudwatch_event_target.this[0].arn == aws_lambda_function.this.arn && aws_cloudwatch_event_target.this[0].input == var.input_json
    error_message = "the rule's target is this function with the input JSON"
  }

  assert {
    condition     = aws_cloudwatch_event_target.this[0].dead_letter_config[0].arn == aws_sqs_queue.dead_letter[0].arn
    error_message = "failed events must land in the module's own dead-letter queue"
  }

  assert {
    condition = (
      aws_lambda_permission.eventbridge_rule[0].principal == "events.amazonaws.com" &&
      aws_lambda_permission.eventbridge_rule[0].action == "lambda:InvokeFunction" &&
      aws_lambda_permission.eventbridge_rule[0].source_arn == aws_cloudwatch_event_rule.this[0].arn &&
      aws_lambda_permission.eventbridge_rule[0].source_account == "123456789012"
    )
    error_message = "only this rule, in this account, may invoke the function"
  }

  assert {
    condition = anytrue([
      for c in one(data.aws_iam_policy_document.dead_letter[0].statement).condition :
      c.test == "ArnEquals" && c.variable == "aws:SourceArn" && tolist(c.values) == tolist([aws_cloudwatch_event_rule.this[0].arn])
    ])
    error_message = "the dead-letter queue accepts messages from this rule only"
  }

  assert {
    condition     = output.schedule_arn == aws_cloudwatch_event_rule.this[0].arn
    error_message = "schedule_arn is the rule's ARN"
  }
}

run "rule_rejects_time_zone" {
  command = plan

  variables {
    timezone = "Europe/Rome"
  }

  expect_failures = [var.timezone]
}

run "rule_rejects_at" {
  command = plan

  variables {
    schedule_expression = "at(2026-12-01T09:00:00)"
  }

  expect_failures = [var.schedule_expression]
}

run "rule_rejects_flexible_window" {
  command = plan

  variables {
    flexible_window_minutes = 10
  }

  expect_failures = [var.flexible_window_minutes]
}
