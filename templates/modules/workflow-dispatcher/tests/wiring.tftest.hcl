# Offline checks of the dispatcher's wiring and least privilege with a
# mocked AWS provider.
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

  mock_data "aws_sqs_queue" {
    defaults = {
      url = "https://sqs.us-west-2.amazonaws.com/123456789012/flows-jobs.fifo"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/flows-dispatcher"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/flows-dispatcher-exec"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-west-2:123456789012:function:flows-dispatcher"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:flows-requests"
      url = "https://sqs.us-west-2.amazonaws.com/123456789012/flows-requests"
    }
  }
}

variables {
  function_name          = "flows-dispatcher"
  role_name              = "flows-dispatcher-exec"
  scheduler_role_name    = "flows-dispatcher-sched"
  schedule_name          = "flows-dispatcher"
  image_uri              = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
  subnet_ids             = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  security_group_ids     = ["sg-0123456789abcdef0"]
  db_secret_arn          = "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-flows-AbCdEf"
  queue_name             = "flows-requests"
  dead_letter_queue_name = "flows-requests-dlq"
}

run "defaults" {
  command = apply

  assert {
    condition = [
      for c in one(data.aws_iam_policy_document.assume.statement).condition : [c.test, c.variable, c.values]
      ] == [["StringEquals", "aws:SourceAccount", tolist(["123456789012"])]] && [
      for c in one(data.aws_iam_policy_document.scheduler_assume.statement).condition : [c.test, c.variable, c.values]
    ] == [["StringEquals", "aws:SourceAccount", tolist(["123456789012"])]]
    error_message = "both roles trust their service only for this account"
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.this.statement : s.sid => [s.actions, s.resources]
      } == {
      WriteOwnLogs = [toset(["logs:CreateLogStream", "logs:PutLogEvents"]),
      toset(["arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/flows-dispatcher:*"])]
      ReadTheDatabaseSecret = [toset(["secretsmanager:GetSecretValue"]),
      toset(["arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-flows-AbCdEf"])]
      SendToTheRequestsQueue = [toset(["sqs:SendMessage"]),
      toset(["arn:aws:sqs:us-west-2:123456789012:flows-requests"])]
      CreateInterfacesInTheGivenSubnets = [toset(["ec2:CreateNetworkInterface"]), toset([
        "arn:aws:ec2:us-west-2:123456789012:network-interface/*",
        "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0a1b2c3d4e5f60718",
        "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0f1e2d3c4b5a69788",
        "arn:aws:ec2:us-west-2:123456789012:security-group/sg-0123456789abcdef0",
      ])]
      ManageOwnInterfaces = [toset(["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses"]), toset(["arn:aws:ec2:us-west-2:123456789012:network-interface/*"])]
      DescribeInterfaces = [toset(["ec2:DescribeNetworkInterfaces"]), toset(["*"])]
    }
    error_message = "the role reads the one secret, sends to the one queue, and nothing more than logs and its interfaces"
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "no wildcard action"
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.scheduler.statement : [s.actions, s.resources]] == [[toset(["lambda:InvokeFunction"]), toset(["arn:aws:lambda:us-west-2:123456789012:function:flows-dispatcher"])]]
    error_message = "the schedule's role invokes this function only"
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      CLOUDCRON_DB_SECRET      = "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-flows-AbCdEf"
      CLOUDCRON_QUEUE_URL      = "https://sqs.us-west-2.amazonaws.com/123456789012/flows-requests"
      CLOUDCRON_DISPATCH_BATCH = "100"
      CLOUDCRON_DB_SSLMODE     = "require"
    })
    error_message = "the secret by ARN (no password), the queue's URL, the batch and sslmode reach the handler"
  }

  assert {
    condition = (aws_lambda_function.this.image_config[0].command == tolist(["cloudcron-dispatch"]) &&
      toset(aws_lambda_function.this.vpc_config[0].subnet_ids) == toset(var.subnet_ids) &&
    toset(aws_lambda_function.this.vpc_config[0].security_group_ids) == toset(var.security_group_ids))
    error_message = "the function runs cloudcron-dispatch in the given subnets and security groups"
  }

  assert {
    condition = (aws_scheduler_schedule.this.schedule_expression == "rate(1 minute)" &&
      aws_scheduler_schedule.this.state == "ENABLED" &&
    aws_scheduler_schedule.this.target[0].retry_policy[0].maximum_retry_attempts == 0)
    error_message = "the dispatcher runs every minute by default, without retries"
  }

  assert {
    condition = (aws_sqs_queue.this[0].name == "flows-requests" && aws_sqs_queue.dead_letter[0].name == "flows-requests-dlq" &&
    jsondecode(aws_sqs_queue.this[0].redrive_policy).maxReceiveCount == 5)
    error_message = "the requests queue is created with its dead-letter queue"
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dead_letter[0].redrive_allow_policy).sourceQueueArns == ["arn:aws:sqs:us-west-2:123456789012:flows-requests"]
    error_message = "only the requests queue may redrive into the dead-letter queue"
  }
}

run "existing_fifo_queue" {
  command = apply

  variables {
    queue_arn              = "arn:aws:sqs:us-west-2:123456789012:flows-jobs.fifo"
    queue_name             = null
    dead_letter_queue_name = null
    schedule_expression    = "rate(5 minutes)"
    db_secret_kms_key_arn  = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length(aws_sqs_queue.this) == 0 && length(aws_sqs_queue.dead_letter) == 0
    error_message = "an existing queue is used, not created"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "SendToTheRequestsQueue"] == [
    toset(["arn:aws:sqs:us-west-2:123456789012:flows-jobs.fifo"])]
    error_message = "sqs:SendMessage on the given queue only"
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : [s.resources, [for c in s.condition : [c.variable, c.values]]] if s.sid == "DecryptTheSecretThroughSecretsManager"] == [
    [toset(["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]), [["kms:ViaService", tolist(["secretsmanager.us-west-2.amazonaws.com"])]]]]
    error_message = "kms:Decrypt on the secret's key, through Secrets Manager only"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["CLOUDCRON_QUEUE_URL"] == "https://sqs.us-west-2.amazonaws.com/123456789012/flows-jobs.fifo" && output.dead_letter_queue_arn == null
    error_message = "the existing queue's URL reaches the handler"
  }
}

run "fifo" {
  command = apply

  variables {
    fifo = true
  }

  assert {
    condition     = aws_sqs_queue.this[0].name == "flows-requests.fifo" && aws_sqs_queue.dead_letter[0].name == "flows-requests-dlq.fifo" && aws_sqs_queue.this[0].fifo_queue == true
    error_message = "fifo creates FIFO queues"
  }
}

run "rejects_no_subnets" {
  command = plan

  variables {
    subnet_ids = []
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_no_queue" {
  command = plan

  variables {
    queue_name = null
  }

  expect_failures = [var.queue_name]
}

run "rejects_both_queues" {
  command = plan

  variables {
    queue_arn = "arn:aws:sqs:us-west-2:123456789012:flows-jobs"
  }

  expect_failures = [var.queue_name]
}

run "rejects_a_secret_that_is_not_an_arn" {
  command = plan

  variables {
    db_secret_arn = "rds!db-flows"
  }

  expect_failures = [var.db_secret_arn]
}

{% from "shared/tests/platform.tftest.hcl" import platform_runs %}
{{ platform_runs(["this", "scheduler"]) }}
