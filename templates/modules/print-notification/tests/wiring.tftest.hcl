# Offline checks of the print channel's wiring with a mocked AWS provider.
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
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/acme-cron-debug"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/acme-cron-debug"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-cron-debug"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-debug"
    }
  }
}

variables {
  function_name = "acme-cron-debug"
  role_name     = "acme-cron-debug"
  image_uri     = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
  topic_arn     = "arn:aws:sns:us-west-2:123456789012:acme-cron-reports"
  queue_name    = "acme-cron-debug"
  template      = "{{ subject }}: {{ message.vars|tojson }}"
  filter_policy = "{\"severity\":[\"critical\"]}"
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
    condition     = strcontains(aws_lambda_function.this.image_uri, "@sha256:") && aws_lambda_function.this.image_config[0].command == tolist(["cloudcron-print"])
    error_message = "the function runs the runtime image by digest with the cloudcron-print handler"
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      CLOUDCRON_TEMPLATE = "{{ subject }}: {{ message.vars|tojson }}"
      CLOUDCRON_VARS     = "{}"
    })
    error_message = "the template and vars reach the handler"
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.actions] == [toset(["logs:CreateLogStream", "logs:PutLogEvents"])]
    error_message = "printing needs nothing but its own logs"
  }

  assert {
    condition     = module.plumbing.fifo == false
    error_message = "a standard topic gets a standard queue"
  }

  assert {
    condition     = output.subscription_arn == module.plumbing.subscription_arn
    error_message = "the channel exposes its subscription"
  }
}

run "s3_template" {
  command = apply

  variables {
    template     = null
    template_url = "s3://acme-templates/print.txt"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : [s.actions, s.resources] if contains(s.actions, "s3:GetObject")] == [
      [toset(["s3:GetObject"]), toset(["arn:aws:s3:::acme-templates/print.txt"])]
    ]
    error_message = "s3:GetObject on the one template object"
  }
}

run "s3_template_with_parts" {
  command = apply

  variables {
    template       = null
    template_url   = "s3://acme-templates/debug/print.txt"
    template_parts = ["parts/row.txt", "layout.txt"]
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : [s.actions, s.resources] if contains(s.actions, "s3:GetObject")] == [
      [toset(["s3:GetObject"]), toset(["arn:aws:s3:::acme-templates/debug/print.txt", "arn:aws:s3:::acme-templates/debug/parts/row.txt", "arn:aws:s3:::acme-templates/debug/layout.txt"])]
    ]
    error_message = "s3:GetObject on the template object and the templates it names beside it, no others"
  }
}

run "rejects_part_outside_folder" {
  command = plan

  variables {
    template       = null
    template_url   = "s3://acme-templates/debug/print.txt"
    template_parts = ["../other/secret.txt"]
  }

  expect_failures = [var.template_parts]
}

run "rejects_missing_template" {
  command = plan

  variables {
    template = null
  }

  expect_failures = [var.template]
}

run "rejects_bad_template_url" {
  command = plan

  variables {
    template     = null
    template_url = "ftp://example.com/t"
  }

  expect_failures = [var.template_url]
}
{% endraw %}

{% from "shared/tests/platform.tftest.hcl" import platform_runs %}
{{ platform_runs(["this"]) }}
