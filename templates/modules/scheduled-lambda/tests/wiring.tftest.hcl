# Offline checks of the module's wiring: a mocked AWS provider, so plan and
# apply run without credentials and assert on what the module asks AWS for.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  # Policy documents are computed by the provider; a valid empty policy keeps
  # the roles' JSON checks quiet while the assertions read the statements.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-cron-nightly"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/acme-cron-nightly"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-nightly"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-nightly-dlq"
    }
  }
}

variables {
  function_name       = "acme-cron-nightly"
  image_uri           = "123456789012.dkr.ecr.us-west-2.amazonaws.com/report@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  schedule_expression = "cron(0 2 * * ? *)"
  timezone            = "Europe/Rome"
  schedule_name       = "acme-cron-nightly"
  role_name           = "acme-cron-nightly"
  scheduler_role_name = "acme-cron-nightly-scheduler"
  topic_arns = {
    alerts = "arn:aws:sns:us-west-2:123456789012:acme-cron-alerts.fifo"
  }
}

run "defaults" {
  command = apply

  assert {
    condition = [
      for c in one(data.aws_iam_policy_document.assume.statement).condition : [c.test, c.variable, c.values]
    ] == [["StringEquals", "aws:SourceAccount", tolist(["123456789012"])]]
    error_message = "only Lambda acting for this account may assume the function's role"
  }

  assert {
    condition     = aws_lambda_function.this.image_uri == var.image_uri && strcontains(aws_lambda_function.this.image_uri, "@sha256:")
    error_message = "the function must run the image pinned by digest"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_TOPIC_ALERTS"] == var.topic_arns["alerts"]
    error_message = "each topic must reach the task as CLOUDCRON_TOPIC_<KEY>"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      !contains(s.actions, "*") && !contains(coalesce(s.resources, []), "*")
    ])
    error_message = "the execution role must not grant * actions or resources"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "sns:Publish")
    ]) == toset(["arn:aws:sns:us-west-2:123456789012:acme-cron-alerts.fifo"])
    error_message = "sns:Publish must be granted on exactly the given topics"
  }

  assert {
    condition     = data.aws_iam_policy_document.scheduler[0].statement[0].resources == toset([aws_lambda_function.this.arn])
    error_message = "the scheduler role may invoke only this function"
  }

  assert {
    condition     = length(data.aws_iam_policy_document.scheduler[0].statement) == 1
    error_message = "without a dead-letter queue the scheduler role has no SQS grant"
  }

  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.scheduler_assume[0].statement[0].condition :
      c.test == "StringEquals" && c.variable == "aws:SourceAccount" && tolist(c.values) == tolist(["123456789012"])
    ])
    error_message = "the scheduler's trust policy must carry the aws:SourceAccount condition"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].schedule_expression_timezone == "Europe/Rome" && aws_scheduler_schedule.this[0].state == "ENABLED"
    error_message = "the schedule must run in the spec's time zone and be enabled"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].flexible_time_window[0].mode == "OFF"
    error_message = "the flexible window is off by default"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].target[0].arn == aws_lambda_function.this.arn
    error_message = "the schedule must target this function"
  }

  assert {
    condition     = length(aws_sqs_queue.dead_letter) == 0
    error_message = "no dead-letter queue unless asked for"
  }

  assert {
    condition = (
      aws_lambda_function_event_invoke_config.this.function_name == aws_lambda_function.this.function_name &&
      aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 2 &&
      aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 21600 &&
      length(aws_lambda_function_event_invoke_config.this.destination_config) == 0 &&
      aws_lambda_function.this.reserved_concurrent_executions == -1
    )
    error_message = "every task function has an event invoke config (Lambda's retries of a failed run); no destination without a dead-letter queue"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if contains(s.actions, "sqs:SendMessage")]) == 0
    error_message = "without a dead-letter queue the function may send to no queue"
  }
}

run "dead_letter_and_window" {
  command = apply

  variables {
    dead_letter             = true
    dead_letter_queue_name  = "acme-cron-nightly-dlq"
    flexible_window_minutes = 15
    retry_attempts          = 2
    retry_max_age_seconds   = 3600
    enabled                 = false
    input_json              = "{\"kind\":\"nightly\"}"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].target[0].dead_letter_config[0].arn == aws_sqs_queue.dead_letter[0].arn
    error_message = "failed invocations must land in the module's own dead-letter queue"
  }

  assert {
    condition     = data.aws_iam_policy_document.scheduler[0].statement[1].actions == toset(["sqs:SendMessage"]) && data.aws_iam_policy_document.scheduler[0].statement[1].resources == toset([aws_sqs_queue.dead_letter[0].arn])
    error_message = "the scheduler role may send only to its own dead-letter queue"
  }

  assert {
    condition = (
      aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == aws_sqs_queue.dead_letter[0].arn &&
      length(aws_lambda_function_event_invoke_config.this.destination_config[0].on_success) == 0
    )
    error_message = "a run that fails in the function after Lambda's retries goes to the task's own dead-letter queue"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : [s.sid, s.actions, s.resources] if contains(s.actions, "sqs:SendMessage")
    ] == [["SendFailedRunsToOwnDeadLetterQueue", toset(["sqs:SendMessage"]), toset([aws_sqs_queue.dead_letter[0].arn])]]
    error_message = "the function role may send to exactly its own dead-letter queue (Lambda's on-failure destination uses it)"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      alltrue([for a in s.actions : !strcontains(a, "*")]) && alltrue([for r in s.resources : r != "*"])
    ])
    error_message = "no wildcard action or resource in the function role"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].flexible_time_window[0].mode == "FLEXIBLE" && aws_scheduler_schedule.this[0].flexible_time_window[0].maximum_window_in_minutes == 15
    error_message = "a flexible window of 15 minutes was asked for"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].target[0].retry_policy[0].maximum_retry_attempts == 2 && aws_scheduler_schedule.this[0].target[0].retry_policy[0].maximum_event_age_in_seconds == 3600
    error_message = "the retry policy must follow the spec"
  }

  assert {
    condition     = aws_scheduler_schedule.this[0].state == "DISABLED" && aws_scheduler_schedule.this[0].target[0].input == "{\"kind\":\"nightly\"}"
    error_message = "enabled = false and the input JSON must reach the schedule"
  }
}

run "no_schedule_of_its_own" {
  command = apply

  variables {
    schedule_expression = null
  }

  assert {
    condition     = length(aws_scheduler_schedule.this) == 0 && length(aws_iam_role.scheduler) == 0 && length(terraform_data.one_time_schedule) == 0 && length(aws_cloudwatch_event_rule.this) == 0
    error_message = "a schedule group's target has no schedule, scheduler role or rule of its own"
  }

  assert {
    condition     = output.schedule_arn == null && output.scheduler_role_arn == null && aws_lambda_function.this.function_name == "acme-cron-nightly"
    error_message = "the function exists; its schedule outputs are null"
  }
}

run "rejects_dead_letter_without_schedule" {
  command = plan

  variables {
    schedule_expression    = null
    dead_letter            = true
    dead_letter_queue_name = "acme-cron-nightly-dlq"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_bad_image_uri" {
  command = plan

  variables {
    image_uri = "not an image"
  }

  expect_failures = [var.image_uri]
}

run "rejects_bad_architecture" {
  command = plan

  variables {
    architecture = "sparc"
  }

  expect_failures = [var.architecture]
}

run "rejects_bad_schedule_expression" {
  command = plan

  variables {
    schedule_expression = "every day"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_bad_retention" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_reserved_environment" {
  command = plan

  variables {
    environment = { AWS_REGION = "eu-west-1" }
  }

  expect_failures = [var.environment]
}

run "dead_letter_queue_policy" {
  command = apply

  variables {
    dead_letter            = true
    dead_letter_queue_name = "acme-cron-nightly-dlq"
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.dead_letter[0].statement).actions == toset(["sqs:SendMessage"]) &&
      one(one(data.aws_iam_policy_document.dead_letter[0].statement).principals).identifiers == toset([aws_iam_role.scheduler[0].arn])
    )
    error_message = "only the scheduler role may send to the dead-letter queue"
  }
}

run "function_retries" {
  command = plan

  variables {
    function_retry_attempts        = 0
    function_max_event_age_seconds = 3600
  }

  assert {
    condition = (
      aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 0 &&
      aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 3600
    )
    error_message = "Lambda's retries follow the variables"
  }
}

run "reserved_concurrency" {
  command = plan

  variables {
    reserved_concurrency = 1
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 1
    error_message = "reserved_concurrency = 1: at most one run at a time"
  }
}

run "rejects_zero_concurrency" {
  command = plan

  variables {
    reserved_concurrency = 0
  }

  expect_failures = [var.reserved_concurrency]
}

run "rejects_three_function_retries" {
  command = plan

  variables {
    function_retry_attempts = 3
  }

  expect_failures = [var.function_retry_attempts]
}

run "rejects_dead_letter_without_name" {
  command = plan

  variables {
    dead_letter = true
  }

  expect_failures = [var.dead_letter_queue_name]
}
