# Offline checks of the SMS channel's wiring with a mocked AWS provider.
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
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/acme-cron-ops-sms"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-cron-ops-sms"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-ops-sms"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-ops-sms.fifo"
    }
  }
}

variables {
  function_name  = "acme-cron-ops-sms"
  role_name      = "acme-cron-ops-sms"
  image_uri      = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
  topic_arn      = "arn:aws:sns:us-west-2:123456789012:acme-cron-alerts.fifo"
  queue_name     = "acme-cron-ops-sms"
  template       = "[{{ env|upper }}] {{ subject }}"
  from           = "+15005550006"
  recipients     = ["+15551234567"]
  allow_override = true
  twilio_secret  = "arn:aws:secretsmanager:us-west-2:123456789012:secret:twilio"
}

run "secrets_manager" {
  command = apply

  assert {
    condition = [
      for c in one(data.aws_iam_policy_document.assume.statement).condition : [c.test, c.variable, c.values]
    ] == [["StringEquals", "aws:SourceAccount", tolist(["123456789012"])]]
    error_message = "only Lambda acting for this account may assume the function's role"
  }

  assert {
    condition     = strcontains(aws_lambda_function.this.image_uri, "@sha256:") && aws_lambda_function.this.image_config[0].command == tolist(["cloudcron-sms"])
    error_message = "the function runs the runtime image by digest with the cloudcron-sms handler"
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      CLOUDCRON_TEMPLATE       = "[{{ env|upper }}] {{ subject }}"
      CLOUDCRON_VARS           = "{}"
      CLOUDCRON_FROM           = "+15005550006"
      CLOUDCRON_RECIPIENTS     = "+15551234567"
      CLOUDCRON_ALLOW_OVERRIDE = "true"
      CLOUDCRON_TWILIO_SECRET  = "arn:aws:secretsmanager:us-west-2:123456789012:secret:twilio"
    })
    error_message = "the settings reach the handler as CLOUDCRON_* variables; the secret only by reference"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.actions] == [
      toset(["logs:CreateLogStream", "logs:PutLogEvents"]),
      toset(["secretsmanager:GetSecretValue"]),
    ]
    error_message = "the role grants logs and secretsmanager:GetSecretValue only"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if contains(s.actions, "secretsmanager:GetSecretValue")] == [
      toset(["arn:aws:secretsmanager:us-west-2:123456789012:secret:twilio", "arn:aws:secretsmanager:us-west-2:123456789012:secret:twilio-??????"])
    ]
    error_message = "GetSecretValue on the one secret (its ARN with or without the random suffix)"
  }
}

run "ssm_parameter_with_key" {
  command = apply

  variables {
    twilio_secret      = "/cloudcron/twilio"
    secret_kms_key_arn = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    allow_override     = false
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : [s.actions, s.resources] if !contains(s.actions, "logs:PutLogEvents")] == [
      [toset(["ssm:GetParameter"]), toset(["arn:aws:ssm:us-west-2:123456789012:parameter/cloudcron/twilio"])],
      [toset(["kms:Decrypt"]), toset(["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])],
    ]
    error_message = "ssm:GetParameter on the one parameter and kms:Decrypt on its key only"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : [for c in s.condition : [c.test, c.variable, c.values]]
      if contains(s.actions, "kms:Decrypt")
    ] == [[["StringEquals", "kms:ViaService", tolist(["ssm.us-west-2.amazonaws.com"])]]]
    error_message = "kms:Decrypt only through SSM"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_ALLOW_OVERRIDE"] == "false"
    error_message = "allow_override reaches the handler"
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

run "no_idempotency_table" {
  command = plan

  assert {
    condition     = !contains(keys(aws_lambda_function.this.environment[0].variables), "CLOUDCRON_IDEMPOTENCY_TABLE") && length([for s in data.aws_iam_policy_document.this.statement : s if anytrue([for a in s.actions : startswith(a, "dynamodb:")])]) == 0
    error_message = "without a table: no variable, no DynamoDB permission"
  }
}

run "rejects_bad_idempotency_table" {
  command = plan

  variables {
    idempotency_table_arn = "acme-cron-idempotency"
  }

  expect_failures = [var.idempotency_table_arn]
}

run "rejects_bad_from" {
  command = plan

  variables {
    from = "5005550006"
  }

  expect_failures = [var.from]
}

run "rejects_no_recipients_without_override" {
  command = plan

  variables {
    recipients     = []
    allow_override = false
  }

  expect_failures = [var.recipients]
}

run "rejects_secret_value" {
  command = plan

  variables {
    twilio_secret = "{\"account_sid\":\"AC123\",\"auth_token\":\"x y\"}"
  }

  expect_failures = [var.twilio_secret]
}
{% endraw %}

{% from "shared/tests/platform.tftest.hcl" import platform_runs %}
{{ platform_runs(["this"]) }}
