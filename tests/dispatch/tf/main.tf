# The workflow-dispatcher module applied against moto_server
# (tests/dispatch/dispatch_terraform.py): a VPC, two subnets, a security
# group and the database secret made here, then two dispatchers: one with
# its FIFO requests queue created, one on an existing standard queue.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "us-west-2"
}

resource "aws_vpc" "db" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.db.id
  cidr_block = "10.42.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.db.id
  cidr_block = "10.42.2.0/24"
}

resource "aws_security_group" "dispatch" {
  name   = "e2e-dispatch"
  vpc_id = aws_vpc.db.id
}

resource "aws_secretsmanager_secret" "db" {
  name = "e2e-flows-db" # RDS-managed secrets are named rds!db-...; users may not use "!"
}

resource "aws_sqs_queue" "jobs" {
  name = "e2e-jobs"
}

resource "aws_scheduler_schedule_group" "this" {
  name = "e2e-dispatch"
}

locals {
  image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
}

module "created" {
  source = "../../modules/workflow-dispatcher"

  function_name          = "e2e-flows"
  role_name              = "e2e-flows-exec"
  scheduler_role_name    = "e2e-flows-sched"
  schedule_name          = "e2e-flows"
  schedule_group_name    = aws_scheduler_schedule_group.this.name
  image_uri              = local.image
  subnet_ids             = [aws_subnet.a.id, aws_subnet.b.id]
  security_group_ids     = [aws_security_group.dispatch.id]
  db_secret_arn          = aws_secretsmanager_secret.db.arn
  queue_name             = "e2e-flows-requests"
  dead_letter_queue_name = "e2e-flows-requests-dlq"
  fifo                   = true
}

module "existing" {
  source = "../../modules/workflow-dispatcher"

  function_name       = "e2e-reports"
  role_name           = "e2e-reports-exec"
  scheduler_role_name = "e2e-reports-sched"
  schedule_name       = "e2e-reports"
  schedule_group_name = aws_scheduler_schedule_group.this.name
  schedule_expression = "cron(*/5 * * * ? *)"
  image_uri           = local.image
  subnet_ids          = [aws_subnet.a.id]
  security_group_ids  = [aws_security_group.dispatch.id]
  db_secret_arn       = aws_secretsmanager_secret.db.arn
  queue_arn           = aws_sqs_queue.jobs.arn
  batch_size          = 250
  db_sslmode          = "verify-full"
}

output "created" {
  value = {
    function_name = module.created.function_name
    queue_url     = module.created.queue_url
    queue_arn     = module.created.queue_arn
    dlq_arn       = module.created.dead_letter_queue_arn
    role_arn      = module.created.role_arn
  }
}

output "existing" {
  value = {
    function_name = module.existing.function_name
    queue_url     = module.existing.queue_url
    queue_arn     = module.existing.queue_arn
    dlq_arn       = module.existing.dead_letter_queue_arn
  }
}

output "secret_arn" {
  value = aws_secretsmanager_secret.db.arn
}

output "subnets" {
  value = [aws_subnet.a.id, aws_subnet.b.id]
}
