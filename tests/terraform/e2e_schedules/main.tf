# The schedule-group and schedule-reconciler modules applied together
# against moto_server by run_e2e_schedules.py, which copies this file to
# stacks/e2e-schedules/ of a freshly generated tree (so ../../modules/
# resolves) and adds the endpoints.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 6.0"
    }
  }
}

variable "aws_endpoint_url" {
  type = string
}

provider "aws" {
  region                      = "us-west-2"
  access_key                  = "sandbox"
  secret_key                  = "sandbox"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    cloudwatch     = var.aws_endpoint_url
    cloudwatchlogs = var.aws_endpoint_url
    dynamodb       = var.aws_endpoint_url
    ec2            = var.aws_endpoint_url
    ecr            = var.aws_endpoint_url
    events         = var.aws_endpoint_url
    iam            = var.aws_endpoint_url
    kms            = var.aws_endpoint_url
    lambda         = var.aws_endpoint_url
    scheduler      = var.aws_endpoint_url
    s3             = var.aws_endpoint_url
    secretsmanager = var.aws_endpoint_url
    sns            = var.aws_endpoint_url
    sqs            = var.aws_endpoint_url
    ssm            = var.aws_endpoint_url
    sts            = var.aws_endpoint_url
  }
}

locals {
  image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
}

# The worker the group's schedules invoke, and the API that creates them.
module "worker" {
  source = "../../modules/scheduled-lambda"

  function_name        = "e2e-query-executor"
  image_uri            = local.image
  schedule_expression  = "rate(1 day)"
  schedule_name        = "e2e-query-executor"
  role_name            = "e2e-query-executor-exec"
  scheduler_role_name  = "e2e-query-executor-sched"
  enabled              = false
  use_eventbridge_rule = false
  aws_endpoint_url     = var.aws_endpoint_url
}

module "api" {
  source = "../../modules/scheduled-lambda"

  function_name       = "e2e-reminders-api"
  image_uri           = local.image
  schedule_expression = "rate(1 day)"
  schedule_name       = "e2e-reminders-api"
  role_name           = "e2e-reminders-api-exec"
  scheduler_role_name = "e2e-reminders-api-sched"
  enabled             = false
  aws_endpoint_url    = var.aws_endpoint_url
}

resource "aws_sqs_queue" "dead_letter" {
  name = "e2e-queries-dlq"
}

module "queries" {
  source = "../../modules/schedule-group"

  group_name            = "e2e-queries"
  target_function_arn   = module.worker.function_arn
  scheduler_role_name   = "e2e-queries-sched"
  creators_policy_name  = "e2e-queries-creators"
  creator_role_names    = ["e2e-reminders-api-exec"]
  dead_letter_queue_arn = aws_sqs_queue.dead_letter.arn

  depends_on = [module.api]
}

resource "aws_s3_bucket" "config" {
  bucket = "e2e-queries-config"
}

resource "aws_s3_object" "config" {
  bucket  = aws_s3_bucket.config.id
  key     = "athena/queries.json"
  content = file("${path.module}/queries.json")
}

module "reconciler" {
  source = "../../modules/schedule-reconciler"

  function_name              = "e2e-queries-reconciler"
  role_name                  = "e2e-queries-reconciler-exec"
  image_uri                  = local.image
  schedule_name              = "e2e-queries-reconciler"
  scheduler_role_name        = "e2e-queries-reconciler-sched"
  config_url                 = "s3://${aws_s3_object.config.bucket}/${aws_s3_object.config.key}"
  collection                 = "queries"
  default_timezone           = "Europe/Rome"
  managed_group_name         = module.queries.group_name
  managed_prefix             = "pn-"
  managed_scheduler_role_arn = module.queries.scheduler_role_arn
  managed_target_arn         = module.worker.function_arn
}

output "group" {
  value = {
    name          = module.queries.group_name
    role_arn      = module.queries.scheduler_role_arn
    policy_arn    = module.queries.creators_policy_arn
    schedules_arn = module.queries.schedules_arn
  }
}
