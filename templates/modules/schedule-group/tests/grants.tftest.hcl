# Offline checks of the group's two grants: a mocked AWS provider, so plan
# and apply run without credentials and assert on what the module asks for.
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

  mock_resource "aws_scheduler_schedule_group" {
    defaults = {
      arn = "arn:aws:scheduler:eu-south-1:123456789012:schedule-group/acme-reminders"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-reminders-sched"
    }
  }

  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::123456789012:policy/acme-reminders-creators"
    }
  }
}

variables {
  group_name           = "acme-reminders"
  target_function_arn  = "arn:aws:lambda:eu-south-1:123456789012:function:acme-send-reminder"
  scheduler_role_name  = "acme-reminders-sched"
  creators_policy_name = "acme-reminders-creators"
  creator_role_names   = ["acme-reminders-api-exec", "acme-admin"]
}

run "grants" {
  command = apply

  assert {
    condition     = local.schedules_arn == "arn:aws:scheduler:eu-south-1:123456789012:schedule/acme-reminders/*"
    error_message = "the group's schedules are arn:...:schedule/GROUP/*"
  }

  assert {
    condition = toset([
      for c in one(data.aws_iam_policy_document.assume.statement).condition : jsonencode([c.test, c.variable, c.values])
      ]) == toset([
      jsonencode(["StringEquals", "aws:SourceAccount", ["123456789012"]]),
      jsonencode(["ArnLike", "aws:SourceArn", ["arn:aws:scheduler:eu-south-1:123456789012:schedule/acme-reminders/*"]]),
    ])
    error_message = "the scheduler role's trust needs aws:SourceAccount and aws:SourceArn = this group's schedules"
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.assume.statement).principals).identifiers == toset(["scheduler.amazonaws.com"])
    error_message = "only EventBridge Scheduler may assume the scheduler role"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.invoke.statement : [s.actions, s.resources]
    ] == [[toset(["lambda:InvokeFunction"]), toset(["arn:aws:lambda:eu-south-1:123456789012:function:acme-send-reminder"])]]
    error_message = "the scheduler role may invoke the target and nothing else"
  }

  assert {
    condition = alltrue(flatten([
      for d in [data.aws_iam_policy_document.invoke, data.aws_iam_policy_document.creators] : [
        for s in d.statement : [for a in s.actions : !strcontains(a, "*")]
      ]
    ]))
    error_message = "no wildcard action in any Allow"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.creators.statement : s.resources if contains(s.actions, "scheduler:CreateSchedule")
    ]) == toset(["arn:aws:scheduler:eu-south-1:123456789012:schedule/acme-reminders/*"])
    error_message = "create, update, delete and get only on this group's schedules"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.creators.statement : s.actions if contains(s.actions, "scheduler:CreateSchedule")
    ]) == toset(["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"])
    error_message = "the creators may create, update, delete and get schedules, nothing else on them"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.creators.statement :
      s.actions == toset(["scheduler:ListSchedules"]) if contains(coalesce(s.resources, []), "*")
    ])
    error_message = "only ListSchedules, which AWS cannot scope, may name resource *"
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.creators.statement : [s.resources, [for c in s.condition : [c.test, c.variable, c.values]]]
      if contains(s.actions, "iam:PassRole")
      ]) == jsonencode([[["arn:aws:iam::123456789012:role/acme-reminders-sched"],
    [["StringEquals", "iam:PassedToService", ["scheduler.amazonaws.com"]]]]])
    error_message = "iam:PassRole only on the scheduler role, only to scheduler.amazonaws.com"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.creators.statement : s if contains(s.actions, "iam:PassRole")]) == 1
    error_message = "one PassRole grant"
  }

  assert {
    condition     = toset([for a in aws_iam_role_policy_attachment.creators : a.role]) == toset(["acme-reminders-api-exec", "acme-admin"]) && alltrue([for a in aws_iam_role_policy_attachment.creators : a.policy_arn == aws_iam_policy.creators.arn])
    error_message = "the creators' policy is attached to each creator role"
  }

  assert {
    condition     = aws_scheduler_schedule_group.this.name == "acme-reminders"
    error_message = "the group is created"
  }
}

run "dead_letter_queue" {
  command = apply

  variables {
    dead_letter_queue_arn = "arn:aws:sqs:eu-south-1:123456789012:acme-reminders-dlq"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.invoke.statement : [s.actions, s.resources] if contains(s.actions, "sqs:SendMessage")
    ] == [[toset(["sqs:SendMessage"]), toset(["arn:aws:sqs:eu-south-1:123456789012:acme-reminders-dlq"])]]
    error_message = "the scheduler role may send only to the given queue"
  }
}

run "rejects_bad_group_name" {
  command = plan

  variables {
    group_name = "not a group/name"
  }

  expect_failures = [var.group_name]
}

run "rejects_alias_target" {
  command = plan

  variables {
    target_function_arn = "arn:aws:lambda:eu-south-1:123456789012:function:acme-send-reminder:live"
  }

  expect_failures = [var.target_function_arn]
}

{% from "shared/tests/platform.tftest.hcl" import platform_runs %}
{{ platform_runs(["scheduler"], function=false) }}
