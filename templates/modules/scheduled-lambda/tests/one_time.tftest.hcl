# One-time at() schedules: hashicorp/aws 5.x cannot set ActionAfterCompletion,
# so the module creates them with the AWS CLI from terraform_data. Planned
# only (apply would run the CLI); the moto end-to-end test applies it.
mock_provider "aws" {
  override_during = plan

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
      arn = "arn:aws:iam::123456789012:role/acme-cron-migrate-sched"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-migrate"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-migrate-dlq"
    }
  }
}

variables {
  function_name          = "acme-cron-migrate"
  image_uri              = "123456789012.dkr.ecr.us-west-2.amazonaws.com/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  schedule_expression    = "at(2026-12-01T09:00:00)"
  timezone               = "America/New_York"
  schedule_name          = "acme-cron-migrate"
  schedule_group_name    = "acme-cron"
  role_name              = "acme-cron-migrate"
  scheduler_role_name    = "acme-cron-migrate-sched"
  dead_letter            = true
  dead_letter_queue_name = "acme-cron-migrate-dlq"
  retry_attempts         = 3
  retry_max_age_seconds  = 600
  input_json             = "{\"note\":\"it's $(not) a `command`\"}"
}

run "one_time_schedule" {
  command = plan

  assert {
    condition     = length(aws_scheduler_schedule.this) == 0 && length(terraform_data.one_time_schedule) == 1
    error_message = "an at() schedule is created through terraform_data, not aws_scheduler_schedule"
  }

  assert {
    condition     = strcontains(file("${path.module}/scripts/create-one-time-schedule.sh"), "--action-after-completion DELETE")
    error_message = "the one-time schedule must be created with ActionAfterCompletion=DELETE"
  }

  assert {
    condition     = strcontains(file("${path.module}/scripts/delete-one-time-schedule.sh"), "ResourceNotFoundException")
    error_message = "destroying a schedule that already deleted itself must succeed"
  }

  assert {
    condition = (
      terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_EXPRESSION"] == "at(2026-12-01T09:00:00)" &&
      terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_TIMEZONE"] == "America/New_York" &&
      terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_GROUP"] == "acme-cron" &&
      terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_REGION"] == "us-west-2" &&
      terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_STATE"] == "ENABLED" &&
      terraform_data.one_time_schedule[0].input["CLOUDCRON_ACCOUNT_ID"] == "123456789012" &&
      terraform_data.one_time_schedule[0].input["CLOUDCRON_ENDPOINT_URL"] == "" &&
      jsondecode(terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_WINDOW"]) == { Mode = "OFF" }
    )
    error_message = "the one-time schedule must get the module's expression, zone, group, region, account, state and window, and no endpoint outside the sandbox"
  }

  assert {
    condition = jsondecode(terraform_data.one_time_schedule[0].input["CLOUDCRON_SCHEDULE_TARGET"]) == {
      Arn              = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-migrate"
      RoleArn          = "arn:aws:iam::123456789012:role/acme-cron-migrate-sched"
      Input            = "{\"note\":\"it's $(not) a `command`\"}"
      RetryPolicy      = { MaximumRetryAttempts = 3, MaximumEventAgeInSeconds = 600 }
      DeadLetterConfig = { Arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-migrate-dlq" }
    }
    error_message = "the target must invoke this function through the scheduler role, with the input JSON verbatim"
  }

  assert {
    condition     = terraform_data.one_time_schedule[0].triggers_replace == terraform_data.one_time_schedule[0].input
    error_message = "a change to any parameter must replace the one-time schedule"
  }

  assert {
    condition     = output.schedule_arn == "arn:aws:scheduler:us-west-2:123456789012:schedule/acme-cron/acme-cron-migrate"
    error_message = "schedule_arn names the one-time schedule"
  }
}

run "sandbox_endpoint" {
  command = plan

  variables {
    aws_endpoint_url = "http://127.0.0.1:5000"
  }

  assert {
    condition     = terraform_data.one_time_schedule[0].input["CLOUDCRON_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    error_message = "in the sandbox the AWS CLI steps get the stack's endpoint"
  }

  assert {
    condition = alltrue([for f in ["AWS_ENDPOINT_URL=\"$CLOUDCRON_ENDPOINT_URL\"", "unset AWS_PROFILE", "sts get-caller-identity", "CLOUDCRON_ACCOUNT_ID"] :
    strcontains(file("${path.module}/scripts/aws-cli-env.sh"), f)])
    error_message = "the CLI steps use the endpoint over the shell's, and check the provider's account"
  }
}

run "rejects_bad_endpoint" {
  command = plan

  variables {
    aws_endpoint_url = "127.0.0.1:5000"
  }

  expect_failures = [var.aws_endpoint_url]
}

run "rejects_bad_at" {
  command = plan

  variables {
    schedule_expression = "at(2026-12-01 09:00)"
  }

  expect_failures = [var.schedule_expression]
}
