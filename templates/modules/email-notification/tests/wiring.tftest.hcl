# Offline checks of the e-mail channel's wiring with a mocked AWS provider.
# (raw: the Jinja2 templates below are test data, not for cloudcron's renderer)
{% raw %}
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

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/acme-cron-ops-email"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-cron-ops-email"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-ops-email"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-ops-email.fifo"
    }
  }
}

variables {
  function_name = "acme-cron-ops-email"
  role_name     = "acme-cron-ops-email"
  image_uri     = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
  topic_arn     = "arn:aws:sns:us-west-2:123456789012:acme-cron-alerts.fifo"
  queue_name    = "acme-cron-ops-email"
  template      = "<p>{{ subject }}</p>"
  template_name = "alert.html"
  subject       = "[{{ env }}] {{ subject }}"
  vars_json     = "{\"env\":\"prod\"}"
  sender        = "cron@example.com"
  recipients    = ["alice@example.com", "bob@example.com"]
  reply_to      = ["ops@example.com"]
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
    condition     = strcontains(aws_lambda_function.this.image_uri, "@sha256:") && aws_lambda_function.this.image_config[0].command == tolist(["cloudcron-email"])
    error_message = "the function runs the runtime image by digest with the cloudcron-email handler"
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      CLOUDCRON_TEMPLATE      = "<p>{{ subject }}</p>"
      CLOUDCRON_TEMPLATE_NAME = "alert.html"
      CLOUDCRON_VARS          = "{\"env\":\"prod\"}"
      CLOUDCRON_SUBJECT       = "[{{ env }}] {{ subject }}"
      CLOUDCRON_SENDER        = "cron@example.com"
      CLOUDCRON_RECIPIENTS    = "alice@example.com,bob@example.com"
      CLOUDCRON_REPLY_TO      = "ops@example.com"
    })
    error_message = "the settings reach the handler as CLOUDCRON_* variables, unset ones left out"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.actions] == [
      toset(["logs:CreateLogStream", "logs:PutLogEvents"]),
      toset(["ses:SendEmail"]),
    ]
    error_message = "the role grants logs and ses:SendEmail only (no s3 for an inline template, no raw e-mail)"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      alltrue([for a in s.actions : !strcontains(a, "*")]) && alltrue([for r in s.resources : !strcontains(r, ":*:") && r != "*"])
    ])
    error_message = "no wildcard actions or resources"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "ses:SendEmail")] == [
      toset(["arn:aws:ses:us-west-2:123456789012:identity/cron@example.com"])
    ]
    error_message = "ses:SendEmail only on the sender's identity"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : [for c in s.condition : [c.test, c.variable, c.values]]
      if contains(s.actions, "ses:SendEmail")
    ] == [[["StringEquals", "ses:FromAddress", tolist(["cron@example.com"])]]]
    error_message = "sending is limited to the configured From address"
  }

  assert {
    condition     = data.aws_iam_policy_document.this.statement[0].resources == toset(["${aws_cloudwatch_log_group.this.arn}:*"])
    error_message = "logs only into the handler's own log group"
  }

  assert {
    condition = (
      module.plumbing.queue_arn == "arn:aws:sqs:us-west-2:123456789012:acme-cron-ops-email.fifo" &&
      output.queue_arn == module.plumbing.queue_arn && output.dead_letter_queue_arn == module.plumbing.dead_letter_queue_arn
    )
    error_message = "the channel exposes its plumbing's queues"
  }
}

run "domain_identity_configuration_set_and_s3_template" {
  command = apply

  variables {
    template          = null
    template_url      = "s3://acme-templates/mail/alert.html"
    sender_identity   = "example.com"
    configuration_set = "cron-tracking"
    send_raw_email    = true
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "ses:SendEmail")] == [
      toset(["arn:aws:ses:us-west-2:123456789012:identity/example.com", "arn:aws:ses:us-west-2:123456789012:configuration-set/cron-tracking"])
    ]
    error_message = "ses:SendEmail on the domain identity and the configuration set"
  }

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.this.statement : s.actions], toset(["ses:SendEmail", "ses:SendRawEmail"]))
    error_message = "send_raw_email adds ses:SendRawEmail"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "s3:GetObject")] == [
      toset(["arn:aws:s3:::acme-templates/mail/alert.html"])
    ]
    error_message = "s3:GetObject on the one template object"
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables["CLOUDCRON_TEMPLATE_URL"] == "s3://acme-templates/mail/alert.html" &&
      !contains(keys(aws_lambda_function.this.environment[0].variables), "CLOUDCRON_TEMPLATE") &&
      aws_lambda_function.this.environment[0].variables["CLOUDCRON_CONFIGURATION_SET"] == "cron-tracking"
    )
    error_message = "the template URL and configuration set reach the handler"
  }
}

run "display_name_sender" {
  command = apply

  variables {
    sender = "Acme Cron <cron@example.com>"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_SENDER"] == "Acme Cron <cron@example.com>"
    error_message = "the handler gets the sender with its display name"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "ses:SendEmail")] == [
      toset(["arn:aws:ses:us-west-2:123456789012:identity/cron@example.com"])
    ]
    error_message = "ses:SendEmail on the address's identity, not on the display name"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : [for c in s.condition : [c.test, c.variable, c.values]]
      if contains(s.actions, "ses:SendEmail")
    ] == [[["StringEquals", "ses:FromAddress", tolist(["cron@example.com"])]]]
    error_message = "ses:FromAddress is the bare address (what SES compares), not the display form"
  }
}

run "rejects_bad_sender" {
  command = plan

  variables {
    sender = "Acme Cron <not-an-address>"
  }

  expect_failures = [var.sender]
}

run "s3_text_template" {
  command = apply

  variables {
    text_template_url  = "s3://acme-templates/mail/alert.txt"
    text_template_name = "alert.txt"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "s3:GetObject")] == [
      toset(["arn:aws:s3:::acme-templates/mail/alert.txt"])
    ]
    error_message = "s3:GetObject on the one text template object"
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables["CLOUDCRON_TEXT_TEMPLATE_URL"] == "s3://acme-templates/mail/alert.txt" &&
      aws_lambda_function.this.environment[0].variables["CLOUDCRON_TEXT_TEMPLATE_NAME"] == "alert.txt" &&
      !contains(keys(aws_lambda_function.this.environment[0].variables), "CLOUDCRON_TEXT_TEMPLATE")
    )
    error_message = "the text template URL and name reach the handler"
  }
}

run "inline_text_template" {
  command = plan

  variables {
    text_template = "{{ subject }}"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_TEXT_TEMPLATE"] == "{{ subject }}"
    error_message = "the inline text template reaches the handler"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if contains(s.actions, "s3:GetObject")]) == 0
    error_message = "an inline text template needs no S3 grant"
  }
}

run "rejects_both_text_templates" {
  command = plan

  variables {
    text_template     = "{{ subject }}"
    text_template_url = "s3://acme-templates/mail/alert.txt"
  }

  expect_failures = [var.text_template]
}

run "https_template_needs_no_grant" {
  command = apply

  variables {
    template     = null
    template_url = "https://templates.example.com/alert.html"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if contains(s.actions, "s3:GetObject")]) == 0
    error_message = "an https template needs no S3 grant"
  }
}

run "idempotency_table" {
  command = apply

  variables {
    idempotency_table_arn = "arn:aws:dynamodb:us-west-2:123456789012:table/acme-cron-idempotency"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_IDEMPOTENCY_TABLE"] == "acme-cron-idempotency"
    error_message = "the table's name reaches the handler"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : [s.actions, s.resources] if anytrue([for a in s.actions : startswith(a, "dynamodb:")])] == [
      [toset(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]), toset(["arn:aws:dynamodb:us-west-2:123456789012:table/acme-cron-idempotency"])],
    ]
    error_message = "exactly GetItem, PutItem and UpdateItem on the one table"
  }
}

run "rejects_bad_idempotency_table" {
  command = plan

  variables {
    idempotency_table_arn = "arn:aws:dynamodb:us-west-2:123456789012:table/"
  }

  expect_failures = [var.idempotency_table_arn]
}

run "rejects_both_templates" {
  command = plan

  variables {
    template_url = "https://templates.example.com/alert.html"
  }

  expect_failures = [var.template]
}

run "rejects_tag_image" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime:latest"
  }

  expect_failures = [var.image_uri]
}

run "rejects_bad_recipient" {
  command = plan

  variables {
    recipients = ["not-an-address"]
  }

  expect_failures = [var.recipients]
}

run "named_recipients_up_to_fifty" {
  command = plan

  variables {
    recipients = concat(["Alice Example <alice@example.com>"], [for i in range(49) : "u${i}@example.com"])
    reply_to   = ["Ops <ops@example.com>"]
  }

  assert {
    condition     = length(split(",", aws_lambda_function.this.environment[0].variables["CLOUDCRON_RECIPIENTS"])) == 50
    error_message = "50 recipients, display names included, reach the handler"
  }
}

run "rejects_fifty_one_recipients" {
  command = plan

  variables {
    recipients = [for i in range(51) : "u${i}@example.com"]
  }

  expect_failures = [var.recipients]
}

run "rejects_short_visibility_timeout" {
  command = plan

  variables {
    timeout                    = 60
    visibility_timeout_seconds = 300
  }

  expect_failures = [var.visibility_timeout_seconds]
}
{% endraw %}

{% from "shared/tests/platform.tftest.hcl" import platform_runs %}
{{ platform_runs(["this"]) }}
