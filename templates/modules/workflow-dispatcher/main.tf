data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The region, read from an ARN of this module: hashicorp/aws 6.x deprecates
  # data.aws_region's name (and id), and 5.x has no region attribute.
  region = split(":", aws_cloudwatch_log_group.this.arn)[3]

  # Decided by queue_name, known at plan time (an ARN may not be yet).
  create_queue = var.queue_name != null
  queue_arn    = local.create_queue ? aws_sqs_queue.this[0].arn : var.queue_arn
  queue_url    = local.create_queue ? aws_sqs_queue.this[0].url : data.aws_sqs_queue.existing[0].url
  suffix       = var.fifo ? ".fifo" : ""

  account = data.aws_caller_identity.current.account_id
  ec2_arn = "arn:${data.aws_partition.current.partition}:ec2:${local.region}:${local.account}"

  # The handler's settings; the database password stays in the secret.
  environment = {
    CLOUDCRON_DB_SECRET      = var.db_secret_arn
    CLOUDCRON_QUEUE_URL      = local.queue_url
    CLOUDCRON_DISPATCH_BATCH = tostring(var.batch_size)
    CLOUDCRON_DB_SSLMODE     = var.db_sslmode
  }
}

################################################################################
# Requests queue (created with its dead-letter queue, or an existing one)
################################################################################

resource "aws_sqs_queue" "dead_letter" {
  count = local.create_queue ? 1 : 0

  name                      = "${var.dead_letter_queue_name}${local.suffix}"
  fifo_queue                = var.fifo ? true : null
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "this" {
  count = local.create_queue ? 1 : 0

  name                       = "${var.queue_name}${local.suffix}"
  fifo_queue                 = var.fifo ? true : null
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = 1209600
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

# Only this queue's dead-letter queue may receive its failed messages.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  count = local.create_queue ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[0].arn]
  })
}

data "aws_sqs_queue" "existing" {
  count = local.create_queue ? 0 : 1

  name = element(split(":", var.queue_arn), 5)
}

################################################################################
# Dispatcher function, in the database's VPC
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
      values   = [local.account]
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
    sid       = "ReadTheDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.db_secret_arn]
  }

  statement {
    sid       = "SendToTheRequestsQueue"
    actions   = ["sqs:SendMessage"]
    resources = [local.queue_arn]
  }

  dynamic "statement" {
    for_each = var.db_secret_kms_key_arn == null ? [] : [1]
    content {
      sid       = "DecryptTheSecretThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = [var.db_secret_kms_key_arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }

  # Lambda's network interfaces in the given subnets and security groups.
  statement {
    sid     = "CreateInterfacesInTheGivenSubnets"
    actions = ["ec2:CreateNetworkInterface"]
    resources = concat(
      ["${local.ec2_arn}:network-interface/*"],
      [for s in var.subnet_ids : "${local.ec2_arn}:subnet/${s}"],
      [for g in var.security_group_ids : "${local.ec2_arn}:security-group/${g}"],
    )
  }

  statement {
    sid = "ManageOwnInterfaces"
    actions = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses"]
    resources = ["${local.ec2_arn}:network-interface/*"]
  }

  # DescribeNetworkInterfaces has no resource-level permissions: AWS accepts
  # only "*" for it.
  statement {
    sid       = "DescribeInterfaces"
    actions   = ["ec2:DescribeNetworkInterfaces"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "cloudcron-dispatch"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = "cloudcron workflow dispatcher"
  role          = aws_iam_role.this.arn
  kms_key_arn   = var.kms_key_arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  timeout       = var.timeout
  memory_size   = var.memory_size
  tags          = var.tags

  # The runtime image holds every handler; this one runs cloudcron-dispatch.
  image_config {
    command = ["cloudcron-dispatch"]
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  environment {
    variables = local.environment
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

################################################################################
# Its schedule (EventBridge Scheduler)
################################################################################

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
      values   = [local.account]
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
    sid       = "InvokeThisFunction"
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
  description                  = "cloudcron workflow dispatcher"
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

    # A missed invocation is not retried: the next one finds the same due
    # workflows (and what the missed one would have resent).
    retry_policy {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 60
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
