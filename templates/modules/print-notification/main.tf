data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # s3://BUCKET/KEY -> the one object the handler may read.
  template_s3 = var.template_url == null ? null : regex("^(?:s3://(?P<bucket>[^/]+)/(?P<key>.+)|.*)$", var.template_url)
  template_object_arn = (local.template_s3 == null ? null :
    local.template_s3.bucket == null ? null :
  "arn:${data.aws_partition.current.partition}:s3:::${local.template_s3.bucket}/${local.template_s3.key}")
  # The templates it includes, imports or extends: objects beside it, in
  # the key's folder ("a/b/t.html" -> "a/b/", "t.html" -> "").
  template_key_parts = local.template_object_arn == null ? [] : split("/", local.template_s3.key)
  template_dir = (local.template_object_arn == null ? null :
  "arn:${data.aws_partition.current.partition}:s3:::${local.template_s3.bucket}/${join("/", concat(slice(local.template_key_parts, 0, length(local.template_key_parts) - 1), [""]))}")
  template_part_arns = local.template_dir == null ? [] : [for p in var.template_parts : "${local.template_dir}${p}"]

  # Settings reach the handler as CLOUDCRON_* variables; unset ones are left out.
  environment = { for k, v in {
    CLOUDCRON_TEMPLATE      = var.template
    CLOUDCRON_TEMPLATE_URL  = var.template_url
    CLOUDCRON_TEMPLATE_NAME = var.template_name
    CLOUDCRON_VARS          = var.vars_json
  } : k => v if v != null }
}

################################################################################
# Handler function
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
    for_each = local.template_object_arn == null ? [] : [1]
    content {
      sid       = "ReadOwnTemplate"
      actions   = ["s3:GetObject"]
      resources = concat([local.template_object_arn], local.template_part_arns)
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "cloudcron-print"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = "cloudcron print channel"
  role          = aws_iam_role.this.arn
  kms_key_arn   = var.kms_key_arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  timeout       = var.timeout
  memory_size   = var.memory_size
  tags          = var.tags

  # The runtime image holds every handler; this channel runs cloudcron-print.
  image_config {
    command = ["cloudcron-print"]
    # moto reads an unset entry point back as [], AWS leaves it out.
    entry_point = var.sandbox ? [] : null
  }

  environment {
    variables = local.environment
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

################################################################################
# SNS -> SQS -> Lambda
################################################################################

module "plumbing" {
  source = "../notification-plumbing"

  topic_arn                  = var.topic_arn
  queue_name                 = var.queue_name
  dead_letter_queue_name     = var.dead_letter_queue_name
  function_name              = aws_lambda_function.this.arn
  function_timeout           = var.timeout
  role_name                  = aws_iam_role.this.name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  max_receive_count          = var.max_receive_count
  batch_size                 = var.batch_size
  filter_policy              = var.filter_policy
  kms_key_arn                = var.queue_kms_key_arn
  sandbox                    = var.sandbox
  tags                       = var.tags
}
