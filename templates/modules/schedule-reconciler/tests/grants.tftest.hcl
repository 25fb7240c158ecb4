# Offline checks of the reconciler's grants and wiring: a mocked AWS
# provider, so plan and apply run without credentials.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-queries-reconciler"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-south-1:123456789012:log-group:/aws/lambda/acme-queries-reconciler"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-south-1:123456789012:function:acme-queries-reconciler"
    }
  }
}

variables {
  function_name              = "acme-queries-reconciler"
  role_name                  = "acme-queries-reconciler-exec"
  image_uri                  = "123456789012.dkr.ecr.eu-south-1.amazonaws.com/cloudcron@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  schedule_name              = "acme-queries-reconciler"
  scheduler_role_name        = "acme-queries-reconciler-sched"
  config_url                 = "https://raw.githubusercontent.com/acme/infra/0123abc/athena/queries.json"
  collection                 = "queries"
  managed_group_name         = "acme-queries"
  managed_prefix             = "pn-"
  managed_scheduler_role_arn = "arn:aws:iam::123456789012:role/acme-queries-sched"
  managed_target_arn         = "arn:aws:lambda:eu-south-1:123456789012:function:acme-query-executor"
}

run "grants" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for d in [data.aws_iam_policy_document.this, data.aws_iam_policy_document.scheduler] : [
        for s in d.statement : [for a in s.actions : !strcontains(a, "*")]
      ]
    ]))
    error_message = "no wildcard action in any Allow"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "scheduler:CreateSchedule")
    ]) == toset(["arn:aws:scheduler:eu-south-1:123456789012:schedule/acme-queries/pn-*"])
    error_message = "create, update, delete, get only on the managed group's prefixed schedules"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      s.actions == toset(["scheduler:ListSchedules"]) if contains(coalesce(s.resources, []), "*")
    ])
    error_message = "only ListSchedules, which AWS cannot scope, may name resource *"
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.this.statement : [s.resources, [for c in s.condition : [c.test, c.variable, c.values]]]
      if contains(s.actions, "iam:PassRole")
      ]) == jsonencode([[["arn:aws:iam::123456789012:role/acme-queries-sched"],
    [["StringEquals", "iam:PassedToService", ["scheduler.amazonaws.com"]]]]])
    error_message = "iam:PassRole only on the managed schedules' role, only to scheduler.amazonaws.com"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if contains(s.actions, "s3:GetObject")]) == 0
    error_message = "an https config needs no S3 grant"
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      CLOUDCRON_RECONCILE_CONFIG_URL = "https://raw.githubusercontent.com/acme/infra/0123abc/athena/queries.json"
      CLOUDCRON_SCHEDULE_GROUP       = "acme-queries"
      CLOUDCRON_SCHEDULE_PREFIX      = "pn-"
      CLOUDCRON_SCHEDULER_ROLE_ARN   = "arn:aws:iam::123456789012:role/acme-queries-sched"
      CLOUDCRON_SCHEDULE_TARGET_ARN  = "arn:aws:lambda:eu-south-1:123456789012:function:acme-query-executor"
      CLOUDCRON_SCHEDULE_TIMEZONE    = "UTC"
      CLOUDCRON_RECONCILE_COLLECTION = "queries"
    })
    error_message = "the handler's environment contract"
  }

  assert {
    condition     = aws_lambda_function.this.image_config[0].command == tolist(["cloudcron-reconcile"])
    error_message = "the runtime image runs the reconciler"
  }

  assert {
    condition = toset([
      for c in one(data.aws_iam_policy_document.scheduler_assume.statement).condition : jsonencode([c.test, c.variable, c.values])
      ]) == toset([
      jsonencode(["StringEquals", "aws:SourceAccount", ["123456789012"]]),
      jsonencode(["ArnEquals", "aws:SourceArn", ["arn:aws:scheduler:eu-south-1:123456789012:schedule/default/acme-queries-reconciler"]]),
    ])
    error_message = "its invoke role trusts Scheduler for this account and its own schedule only"
  }

  assert {
    condition     = one(data.aws_iam_policy_document.scheduler.statement).resources == toset([aws_lambda_function.this.arn])
    error_message = "its invoke role may invoke the reconciler only"
  }

  assert {
    condition     = aws_scheduler_schedule.this.schedule_expression == "rate(5 minutes)" && aws_scheduler_schedule.this.target[0].arn == aws_lambda_function.this.arn
    error_message = "every 5 minutes by default, invoking the reconciler"
  }
}

run "s3_config" {
  command = apply

  variables {
    config_url     = "s3://acme-config/athena/queries.json"
    allow_empty    = true
    schedule_retry = { attempts = 3, max_age_seconds = 3600 }
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_SCHEDULE_RETRY"] == "3,3600"
    error_message = "the group's retry policy reaches the handler"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "s3:GetObject")
    ] == [toset(["arn:aws:s3:::acme-config/athena/queries.json"])]
    error_message = "an s3:// config: read on that one object"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_RECONCILE_ALLOW_EMPTY"] == "true"
    error_message = "allow_empty reaches the handler"
  }
}

run "rejects_http_config" {
  command = plan

  variables {
    config_url = "http://example.com/queries.json"
  }

  expect_failures = [var.config_url]
}

run "rejects_empty_prefix" {
  command = plan

  variables {
    managed_prefix = ""
  }

  expect_failures = [var.managed_prefix]
}

{% from "shared/tests/platform.tftest.hcl" import platform_runs %}
{{ platform_runs(["this", "scheduler"]) }}
