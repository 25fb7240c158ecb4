data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The region, read from an ARN of this module: hashicorp/aws 6.x deprecates
  # data.aws_region's name (and id), and 5.x has no region attribute.
  region = split(":", aws_scheduler_schedule_group.this.arn)[3]

  # Every schedule of this group, and nothing else.
  schedules_arn = "arn:${data.aws_partition.current.partition}:scheduler:${local.region}:${data.aws_caller_identity.current.account_id}:schedule/${var.group_name}/*"
}

resource "aws_scheduler_schedule_group" "this" {
  name = var.group_name
  tags = var.tags
}

################################################################################
# The role Scheduler assumes to invoke the target: this group's schedules only
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Confused-deputy guard: Scheduler acting for this account, for a
    # schedule of this group.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.schedules_arn]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = var.scheduler_role_name
  path                 = var.role_path
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "invoke" {
  statement {
    sid       = "InvokeTheTargetOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.target_function_arn]
  }

  dynamic "statement" {
    for_each = var.dead_letter_queue_arn == null ? [] : [1]
    content {
      sid       = "SendToTheDeadLetterQueue"
      actions   = ["sqs:SendMessage"]
      resources = [var.dead_letter_queue_arn]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "cloudcron-schedule-group"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.invoke.json
}

################################################################################
# What a creator needs: this group's schedules, and passing that one role
################################################################################

data "aws_iam_policy_document" "creators" {
  statement {
    sid = "ManageThisGroupsSchedules"
    actions = [
      "scheduler:CreateSchedule",
      "scheduler:DeleteSchedule",
      "scheduler:GetSchedule",
      "scheduler:UpdateSchedule",
    ]
    resources = [local.schedules_arn]
  }

  # ListSchedules takes no resource-level permission (AWS's authorization
  # reference lists no resource type for it): "*" is the only resource it
  # accepts. It reveals schedule names and summaries, never their input.
  statement {
    sid       = "ListSchedules"
    actions   = ["scheduler:ListSchedules"]
    resources = ["*"]
  }

  # The role is handed to Scheduler only, never to another service.
  statement {
    sid       = "PassTheSchedulerRoleOnly"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.scheduler.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["scheduler.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "creators" {
  name        = var.creators_policy_name
  description = "Create, update, delete, get and list the schedules of group ${var.group_name}; pass its scheduler role to Scheduler."
  policy      = data.aws_iam_policy_document.creators.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "creators" {
  for_each = toset(var.creator_role_names)

  role       = each.value
  policy_arn = aws_iam_policy.creators.arn
}
