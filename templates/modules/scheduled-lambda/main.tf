data "aws_caller_identity" "current" {}

locals {
  # Each topic's ARN as CLOUDCRON_TOPIC_<KEY>, the name the task SDK reads.
  topic_env = { for key, arn in var.topic_arns : "CLOUDCRON_TOPIC_${upper(replace(key, "-", "_"))}" => arn }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
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
}

resource "aws_iam_role_policy" "this" {
  name   = "cloudcron-task"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  role          = aws_iam_role.this.arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  timeout       = var.timeout
  memory_size   = var.memory_size
  tags          = var.tags

  environment {
    variables = merge(var.environment, local.topic_env)
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_sqs_queue" "dead_letter" {
  count                     = var.dead_letter ? 1 : 0
  name                      = var.dead_letter_queue_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "scheduler_assume" {
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
  name               = var.scheduler_role_name
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
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
  name   = "cloudcron-scheduler"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "this" {
  name                         = var.schedule_name
  group_name                   = var.schedule_group_name
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.timezone
  state                        = var.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode                      = var.flexible_window_minutes > 0 ? "FLEXIBLE" : "OFF"
    maximum_window_in_minutes = var.flexible_window_minutes > 0 ? var.flexible_window_minutes : null
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler.arn
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
