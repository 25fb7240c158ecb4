# What platform teams set, checked offline (mocked AWS provider): the
# permissions boundary and path of both roles, KMS for the environment, the
# log group and the topics' key grant, VPC, X-Ray, logging config,
# ephemeral storage and the image's command and entry point.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  # Policy documents are computed by the provider; a valid empty policy keeps
  # the roles' JSON checks quiet while the assertions read the statements.
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
  schedule_name       = "acme-cron-nightly"
  role_name           = "acme-cron-nightly"
  scheduler_role_name = "acme-cron-nightly-scheduler"
  topic_arns = {
    reports = "arn:aws:sns:us-west-2:123456789012:acme-cron-reports"
  }
}

run "platform_unset" {
  command = apply

  assert {
    condition = (
      aws_iam_role.this.path == "/" && aws_iam_role.this.permissions_boundary == null &&
      aws_iam_role.scheduler[0].path == "/" && aws_iam_role.scheduler[0].permissions_boundary == null &&
      aws_lambda_function.this.kms_key_arn == null && aws_cloudwatch_log_group.this.kms_key_id == null
    )
    error_message = "without platform settings the roles sit at / without a boundary and nothing names a KMS key"
  }

  assert {
    condition = (
      length(aws_lambda_function.this.vpc_config) == 0 && length(aws_lambda_function.this.image_config) == 0 &&
      length(aws_lambda_function.this.logging_config) == 0
    )
    error_message = "no VPC, image config or logging config unless asked for (an empty image config plans a change on every run)"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      !startswith(join(",", s.actions), "kms:") && !anytrue([for a in s.actions : startswith(a, "ec2:") || startswith(a, "xray:")])
    ])
    error_message = "no KMS, EC2 or X-Ray grant unless the options ask for it"
  }
}

run "platform_set" {
  command = apply

  variables {
    permissions_boundary   = "arn:aws:iam::123456789012:policy/platform/boundary"
    role_path              = "/cloudcron/jobs/"
    kms_key_arn            = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    log_kms_key_arn        = "arn:aws:kms:us-west-2:123456789012:key/22222222-2222-3333-4444-555555555555"
    topic_kms_key_arn      = "arn:aws:kms:us-west-2:123456789012:key/33333333-2222-3333-4444-555555555555"
    subnet_ids             = ["subnet-0a1b2c3d", "subnet-1a1b2c3d"]
    security_group_ids     = ["sg-0a1b2c3d"]
    tracing_mode           = "Active"
    log_format             = "JSON"
    application_log_level  = "WARN"
    system_log_level       = "INFO"
    ephemeral_storage_size = 2048
    image_entry_point      = ["python", "-m"]
    image_command          = ["job.main", "--verbose", "--verbose"]
  }

  assert {
    condition = (
      aws_iam_role.this.path == "/cloudcron/jobs/" && aws_iam_role.scheduler[0].path == "/cloudcron/jobs/" &&
      aws_iam_role.this.permissions_boundary == var.permissions_boundary &&
      aws_iam_role.scheduler[0].permissions_boundary == var.permissions_boundary
    )
    error_message = "both roles (execution and scheduler) take the path and the permissions boundary"
  }

  assert {
    condition = (
      aws_lambda_function.this.kms_key_arn == var.kms_key_arn &&
      aws_cloudwatch_log_group.this.kms_key_id == var.log_kms_key_arn
    )
    error_message = "the environment and the log group are encrypted with their keys"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.this.statement : s if s.sid == "EncryptForOwnTopics"
      ]).actions == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && one([
      for s in data.aws_iam_policy_document.this.statement : s if s.sid == "EncryptForOwnTopics"
    ]).resources == toset([var.topic_kms_key_arn])
    error_message = "a publisher to encrypted topics may GenerateDataKey and Decrypt on exactly the topics' key"
  }

  assert {
    condition = [
      for c in one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "EncryptForOwnTopics"]).condition :
      [c.test, c.variable, c.values]
    ] == [["StringEquals", "kms:ViaService", tolist(["sns.us-west-2.amazonaws.com"])]]
    error_message = "the topics' key is usable through SNS only"
  }

  assert {
    condition = (
      aws_lambda_function.this.vpc_config[0].subnet_ids == toset(var.subnet_ids) &&
      aws_lambda_function.this.vpc_config[0].security_group_ids == toset(var.security_group_ids)
    )
    error_message = "the function runs in the given subnets and security groups"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "CreateInterfacesInTheGivenSubnets"
      ]) == toset([
      "arn:aws:ec2:us-west-2:123456789012:network-interface/*",
      "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0a1b2c3d",
      "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-1a1b2c3d",
      "arn:aws:ec2:us-west-2:123456789012:security-group/sg-0a1b2c3d",
    ])
    error_message = "network interfaces may be created in the given subnets and security groups only"
  }

  assert {
    condition = aws_lambda_function.this.tracing_config[0].mode == "Active" && one([
      for s in data.aws_iam_policy_document.this.statement : s.actions if s.sid == "WriteTraces"
    ]) == toset(["xray:PutTelemetryRecords", "xray:PutTraceSegments"])
    error_message = "Active tracing, with the two X-Ray write actions granted"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      !anytrue([for a in s.actions : strcontains(a, "*")]) &&
      (!contains(coalesce(s.resources, []), "*") || contains(["DescribeInterfaces", "WriteTraces"], s.sid))
    ])
    error_message = "no Allow has a wildcard action; only the actions AWS scopes to \"*\" (DescribeNetworkInterfaces, the X-Ray writes) have resource \"*\""
  }

  assert {
    condition = (
      aws_lambda_function.this.logging_config[0].log_format == "JSON" &&
      aws_lambda_function.this.logging_config[0].application_log_level == "WARN" &&
      aws_lambda_function.this.logging_config[0].system_log_level == "INFO" &&
      aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name
    )
    error_message = "JSON logs with the given levels, into the module's log group"
  }

  assert {
    condition = (
      aws_lambda_function.this.ephemeral_storage[0].size == 2048 &&
      aws_lambda_function.this.image_config[0].entry_point == tolist(["python", "-m"]) &&
      aws_lambda_function.this.image_config[0].command == tolist(["job.main", "--verbose", "--verbose"])
    )
    error_message = "ephemeral storage, entry point and command (in order, repeats kept) reach the function"
  }
}

run "entry_point_only" {
  command = plan

  variables {
    image_entry_point = ["/bin/job"]
  }

  assert {
    condition     = aws_lambda_function.this.image_config[0].command == null
    error_message = "an entry point alone leaves the command out, not an empty list"
  }
}

run "vpc_needs_both" {
  command = plan

  variables {
    subnet_ids = ["subnet-0a1b2c3d"]
  }

  expect_failures = [var.subnet_ids]
}

run "levels_need_json" {
  command = plan

  variables {
    log_format            = "Text"
    application_log_level = "DEBUG"
  }

  expect_failures = [var.application_log_level]
}

run "rejects_bad_platform_values" {
  command = plan

  variables {
    permissions_boundary   = "arn:aws:iam::123456789012:role/boundary"
    role_path              = "cloudcron"
    kms_key_arn            = "arn:aws:kms:us-west-2:123456789012:alias/lambda"
    tracing_mode           = "active"
    ephemeral_storage_size = 256
  }

  expect_failures = [var.permissions_boundary, var.role_path, var.kms_key_arn, var.tracing_mode, var.ephemeral_storage_size]
}
