data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The region, read from an ARN of this module: hashicorp/aws 6.x deprecates
  # data.aws_region's name (and id), and 5.x has no region attribute.
  region = split(":", aws_cloudwatch_log_group.this.arn)[3]

  arn_prefix = "arn:${data.aws_partition.current.partition}:scheduler:${local.region}:${data.aws_caller_identity.current.account_id}"
  # The schedules it manages: its group's, named with its prefix.
  managed_schedules_arn = "${local.arn_prefix}:schedule/${var.managed_group_name}/${var.managed_prefix}*"
  # Its own schedule, which runs it.
  own_schedule_arn = "${local.arn_prefix}:schedule/${var.schedule_group_name}/${var.schedule_name}"

  # s3://BUCKET/KEY -> the one object it may read.
  config_s3 = regex("^(?:s3://(?P<bucket>[^/]+)/(?P<key>.+)|.*)$", var.config_url)
  config_object_arn = (local.config_s3.bucket == null ? null :
  "arn:${data.aws_partition.current.partition}:s3:::${local.config_s3.bucket}/${local.config_s3.key}")

  # The handler's contract (runtime/handlers/README.md); unset ones left out.
  environment = { for k, v in {
    CLOUDCRON_RECONCILE_CONFIG_URL  = var.config_url
    CLOUDCRON_SCHEDULE_GROUP        = var.managed_group_name
    CLOUDCRON_SCHEDULE_PREFIX       = var.managed_prefix
    CLOUDCRON_SCHEDULER_ROLE_ARN    = var.managed_scheduler_role_arn
    CLOUDCRON_SCHEDULE_TARGET_ARN   = var.managed_target_arn
    CLOUDCRON_SCHEDULE_TIMEZONE     = var.default_timezone
    CLOUDCRON_RECONCILE_COLLECTION  = var.collection
    CLOUDCRON_RECONCILE_ALLOW_EMPTY = var.allow_empty ? "true" : null
    CLOUDCRON_RECONCILE_DRY_RUN     = var.dry_run ? "true" : null
    CLOUDCRON_SCHEDULE_RETRY        = var.schedule_retry == null ? null : "${var.schedule_retry.attempts},${var.schedule_retry.max_age_seconds}"
  } : k => v if v != null }
}

################################################################################
# The reconciler function
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

  statement {
    sid = "ManageOwnSchedules"
    actions = [
      "scheduler:CreateSchedule",
      "scheduler:DeleteSchedule",
      "scheduler:GetSchedule",
      "scheduler:UpdateSchedule",
    ]
    resources = [local.managed_schedules_arn]
  }

  # ListSchedules takes no resource-level permission: "*" is the only
  # resource AWS accepts for it (names and summaries, never inputs).
  statement {
    sid       = "ListSchedules"
    actions   = ["scheduler:ListSchedules"]
    resources = ["*"]
  }

  statement {
    sid       = "PassTheSchedulerRoleOnly"
    actions   = ["iam:PassRole"]
    resources = [var.managed_scheduler_role_arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["scheduler.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = local.config_object_arn == null ? [] : [1]
    content {
      sid       = "ReadOwnConfig"
      actions   = ["s3:GetObject"]
      resources = [local.config_object_arn]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "cloudcron-reconcile"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = "cloudcron reconciler of ${var.managed_group_name}/${var.managed_prefix}*"
  role          = aws_iam_role.this.arn
  kms_key_arn   = var.kms_key_arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  timeout       = var.timeout
  memory_size   = var.memory_size
  tags          = var.tags

  # The runtime image holds every handler; this function runs the reconciler.
  image_config {
    command = ["cloudcron-reconcile"]
  }

  environment {
    variables = local.environment
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

################################################################################
# Its own schedule (every 5 minutes by default)
################################################################################

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.own_schedule_arn]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = var.scheduler_role_name
  path                 = var.role_path
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeTheReconcilerOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn]
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
  description                  = "Runs ${var.function_name}"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = "UTC"
  state                        = var.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = "{}"

    # A missed run is made good by the next one: no backlog of retries.
    retry_policy {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 60
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
