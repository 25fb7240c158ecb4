data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The region, read from an ARN of this module: hashicorp/aws 6.x deprecates
  # data.aws_region's name (and id), and 5.x has no region attribute.
  region = split(":", aws_lambda_function.this.arn)[3]

  # Each topic's ARN as CLOUDCRON_TOPIC_<KEY>, the name the task SDK reads.
  topic_env = { for key, arn in var.topic_arns : "CLOUDCRON_TOPIC_${upper(replace(key, "-", "_"))}" => arn }

  # No expression: a function others invoke (a schedule group's target, whose
  # schedules are created at run time), with no schedule of its own.
  has_schedule  = var.schedule_expression != null
  one_time      = local.has_schedule && startswith(coalesce(var.schedule_expression, "-"), "at(")
  use_scheduler = local.has_schedule && !var.use_eventbridge_rule
  # hashicorp/aws 5.x has no action_after_completion on aws_scheduler_schedule,
  # so one-time at() schedules are created through the AWS CLI with
  # ActionAfterCompletion=DELETE (terraform_data below); the rest natively.
  native_schedule   = local.use_scheduler && !local.one_time
  one_time_schedule = local.use_scheduler && local.one_time

  state = var.enabled ? "ENABLED" : "DISABLED"

  # For the statements of the role's policy: the function's ARN would be a
  # cycle (the function waits for the policy), the log group's is not.
  policy_region = split(":", aws_cloudwatch_log_group.this.arn)[3]
  ec2_arn       = "arn:${data.aws_partition.current.partition}:ec2:${local.policy_region}:${data.aws_caller_identity.current.account_id}"
  in_vpc        = length(var.subnet_ids) > 0
}

################################################################################
# Function
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    # Only Lambda acting for this account (confused-deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  path                 = var.role_path
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = length(var.topic_arns) > 0 ? [1] : []
    content {
      sid       = "PublishToOwnTopics"
      actions   = ["sns:Publish"]
      resources = values(var.topic_arns)
    }
  }

  # Publishing to a topic encrypted with a customer-managed key: SNS uses
  # the key with the publisher's permissions, for SNS only.
  dynamic "statement" {
    for_each = var.topic_kms_key_arn != null && length(var.topic_arns) > 0 ? [1] : []
    content {
      sid       = "EncryptForOwnTopics"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.topic_kms_key_arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${local.policy_region}.amazonaws.com"]
      }
    }
  }

  # In a VPC: Lambda's network interfaces in the given subnets and security
  # groups (scoped statements rather than AWSLambdaVPCAccessExecutionRole).
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid     = "CreateInterfacesInTheGivenSubnets"
      actions = ["ec2:CreateNetworkInterface"]
      resources = concat(
        ["${local.ec2_arn}:network-interface/*"],
        [for s in var.subnet_ids : "${local.ec2_arn}:subnet/${s}"],
        [for g in var.security_group_ids : "${local.ec2_arn}:security-group/${g}"],
      )
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid       = "ManageOwnInterfaces"
      actions   = ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"]
      resources = ["${local.ec2_arn}:network-interface/*"]
    }
  }

  # DescribeNetworkInterfaces has no resource-level permissions: AWS accepts
  # only "*" for it.
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid       = "DescribeInterfaces"
      actions   = ["ec2:DescribeNetworkInterfaces"]
      resources = ["*"]
    }
  }

  # X-Ray's trace writes have no resource-level permissions either.
  dynamic "statement" {
    for_each = var.tracing_mode != null ? [1] : []
    content {
      sid       = "WriteTraces"
      actions   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
      resources = ["*"]
    }
  }

  # Lambda sends the record of a run that failed after its retries (the
  # on-failure destination below) with the function's own role.
  dynamic "statement" {
    for_each = var.dead_letter ? [1] : []
    content {
      sid       = "SendFailedRunsToOwnDeadLetterQueue"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.dead_letter[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "cloudcron-task"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  timeout       = var.timeout
  memory_size   = var.memory_size
  kms_key_arn   = var.kms_key_arn

  # -1: unreserved (the account's pool)
  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency
  tags                           = var.tags

  environment {
    variables = merge(var.environment, local.topic_env)
  }

  # The image's CMD and ENTRYPOINT unless overridden; without an override
  # the block is left out (AWS reads none back). moto reads a function back
  # with an image config of empty lists: in the sandbox the module writes
  # those, so a second plan is empty.
  dynamic "image_config" {
    for_each = var.aws_endpoint_url != null || var.image_command != null || var.image_entry_point != null ? [1] : []
    content {
      command     = var.image_command != null ? var.image_command : var.aws_endpoint_url != null ? [] : null
      entry_point = var.image_entry_point != null ? var.image_entry_point : var.aws_endpoint_url != null ? [] : null
    }
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  dynamic "tracing_config" {
    for_each = var.tracing_mode != null ? [1] : []
    content {
      mode = var.tracing_mode
    }
  }

  dynamic "logging_config" {
    for_each = var.log_format != null ? [1] : []
    content {
      log_format            = var.log_format
      log_group             = aws_cloudwatch_log_group.this.name
      application_log_level = var.application_log_level
      system_log_level      = var.system_log_level
    }
  }

  dynamic "ephemeral_storage" {
    for_each = var.ephemeral_storage_size != null ? [1] : []
    content {
      size = var.ephemeral_storage_size
    }
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

# Scheduler and EventBridge invoke the function asynchronously: a function
# error is retried by Lambda (function_retry_attempts times, for at most
# function_max_event_age_seconds) and then, with dead_letter, sent to the
# dead-letter queue as an invocation record (request, response with the
# error, condition) instead of being dropped.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.function_retry_attempts
  maximum_event_age_in_seconds = var.function_max_event_age_seconds

  dynamic "destination_config" {
    for_each = var.dead_letter ? [1] : []
    content {
      on_failure {
        destination = aws_sqs_queue.dead_letter[0].arn
      }
    }
  }
}

################################################################################
# Dead-letter queue: events Scheduler (or the rule) could not deliver, and
# runs that failed in the function after Lambda's retries
################################################################################

resource "aws_sqs_queue" "dead_letter" {
  count = var.dead_letter ? 1 : 0

  name                      = var.dead_letter_queue_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "dead_letter" {
  count = var.dead_letter ? 1 : 0

  # Scheduler delivers with its role's permissions; the queue names that role.
  dynamic "statement" {
    for_each = local.use_scheduler ? [1] : []
    content {
      sid       = "SchedulerRoleOnly"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.dead_letter[0].arn]
      principals {
        type        = "AWS"
        identifiers = [aws_iam_role.scheduler[0].arn]
      }
    }
  }

  # An EventBridge rule delivers as events.amazonaws.com, for this rule only.
  dynamic "statement" {
    for_each = var.use_eventbridge_rule ? [1] : []
    content {
      sid       = "ThisRuleOnly"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.dead_letter[0].arn]
      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [aws_cloudwatch_event_rule.this[0].arn]
      }
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = var.dead_letter ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy    = data.aws_iam_policy_document.dead_letter[0].json
}

################################################################################
# EventBridge Scheduler (default)
################################################################################

data "aws_iam_policy_document" "scheduler_assume" {
  count = local.use_scheduler ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    # Confused-deputy guard: only schedules of this account may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = local.use_scheduler ? 1 : 0

  name                 = var.scheduler_role_name
  path                 = var.role_path
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume[0].json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  count = local.use_scheduler ? 1 : 0

  statement {
    sid       = "InvokeThisFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn]
  }

  dynamic "statement" {
    for_each = var.dead_letter ? [1] : []
    content {
      sid       = "SendToOwnDeadLetterQueue"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.dead_letter[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = local.use_scheduler ? 1 : 0

  name   = "cloudcron-scheduler"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}

resource "aws_scheduler_schedule" "this" {
  count = local.native_schedule ? 1 : 0

  name                         = var.schedule_name
  group_name                   = var.schedule_group_name
  description                  = var.description
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.timezone
  state                        = local.state

  flexible_time_window {
    mode                      = var.flexible_window_minutes > 0 ? "FLEXIBLE" : "OFF"
    maximum_window_in_minutes = var.flexible_window_minutes > 0 ? var.flexible_window_minutes : null
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = var.input_json

    retry_policy {
      maximum_retry_attempts       = var.retry_attempts
      maximum_event_age_in_seconds = var.retry_max_age_seconds
    }

    dynamic "dead_letter_config" {
      for_each = var.dead_letter ? [1] : []
      content {
        arn = aws_sqs_queue.dead_letter[0].arn
      }
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

################################################################################
# One-time at() schedule, deleted by Scheduler once it has run
################################################################################

locals {
  # Every parameter of the one-time schedule; any change replaces it. Passed to
  # the scripts through the environment, never spliced into the command text.
  one_time_params = local.one_time_schedule ? {
    CLOUDCRON_SCHEDULE_NAME       = var.schedule_name
    CLOUDCRON_SCHEDULE_GROUP      = var.schedule_group_name
    CLOUDCRON_SCHEDULE_EXPRESSION = var.schedule_expression
    CLOUDCRON_SCHEDULE_TIMEZONE   = var.timezone
    CLOUDCRON_SCHEDULE_STATE      = local.state
    CLOUDCRON_SCHEDULE_REGION     = local.region
    CLOUDCRON_ACCOUNT_ID          = data.aws_caller_identity.current.account_id
    CLOUDCRON_ENDPOINT_URL        = var.aws_endpoint_url == null ? "" : var.aws_endpoint_url
    CLOUDCRON_SCHEDULE_WINDOW = jsonencode(var.flexible_window_minutes > 0 ? {
      Mode = "FLEXIBLE", MaximumWindowInMinutes = var.flexible_window_minutes
      } : {
      Mode = "OFF"
    })
    CLOUDCRON_SCHEDULE_TARGET = jsonencode(merge({
      Arn     = aws_lambda_function.this.arn
      RoleArn = aws_iam_role.scheduler[0].arn
      Input   = var.input_json
      RetryPolicy = {
        MaximumRetryAttempts     = var.retry_attempts
        MaximumEventAgeInSeconds = var.retry_max_age_seconds
      }
      }, var.dead_letter ? {
      DeadLetterConfig = { Arn = aws_sqs_queue.dead_letter[0].arn }
    } : {}))
  } : {}
}

resource "terraform_data" "one_time_schedule" {
  count = local.one_time_schedule ? 1 : 0

  triggers_replace = local.one_time_params
  input            = local.one_time_params

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = "${file("${path.module}/scripts/aws-cli-env.sh")}\n${file("${path.module}/scripts/create-one-time-schedule.sh")}"
    environment = self.input
  }

  # The schedule may already have deleted itself after running: not an error.
  provisioner "local-exec" {
    when        = destroy
    interpreter = ["/bin/bash", "-c"]
    command     = "${file("${path.module}/scripts/aws-cli-env.sh")}\n${file("${path.module}/scripts/delete-one-time-schedule.sh")}"
    environment = self.input
  }

  depends_on = [aws_iam_role_policy.scheduler, aws_sqs_queue_policy.dead_letter]
}

################################################################################
# EventBridge rule (option: use_eventbridge_rule)
################################################################################

resource "aws_cloudwatch_event_rule" "this" {
  count = var.use_eventbridge_rule ? 1 : 0

  name                = var.schedule_name
  description         = var.description
  schedule_expression = var.schedule_expression
  state               = local.state
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  count = var.use_eventbridge_rule ? 1 : 0

  rule  = aws_cloudwatch_event_rule.this[0].name
  arn   = aws_lambda_function.this.arn
  input = var.input_json

  retry_policy {
    maximum_retry_attempts       = var.retry_attempts
    maximum_event_age_in_seconds = var.retry_max_age_seconds
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter ? [1] : []
    content {
      arn = aws_sqs_queue.dead_letter[0].arn
    }
  }
}

resource "aws_lambda_permission" "eventbridge_rule" {
  count = var.use_eventbridge_rule ? 1 : 0

  statement_id   = "AllowThisRule"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.this[0].arn
  source_account = data.aws_caller_identity.current.account_id
}
