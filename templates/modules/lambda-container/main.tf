locals {
  source_ref      = var.source_digest == null ? "${var.source_image}:${var.source_tag}" : "${var.source_image}@${var.source_digest}"
  destination_ref = "${aws_ecr_repository.this.repository_url}:${var.source_tag}"
}

################################################################################
# Repository
################################################################################

resource "aws_ecr_repository" "this" {
  name                 = var.repository_name
  image_tag_mutability = var.image_tag_mutability
  force_delete         = var.force_delete
  tags                 = var.tags

  image_scanning_configuration {
    scan_on_push = var.scan_on_push
  }

  encryption_configuration {
    encryption_type = var.kms_key_arn == null ? "AES256" : "KMS"
    kms_key         = var.kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.keep_images} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.keep_images
      }
      action = { type = "expire" }
    }]
  })
}

################################################################################
# Copy (local-exec with the chosen tool; values through the environment)
################################################################################

resource "terraform_data" "copy" {
  count = var.sandbox ? 0 : 1

  triggers_replace = {
    source      = local.source_ref
    destination = local.destination_ref
    tool        = var.tool
    platform    = var.platform
  }

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = file("${path.module}/scripts/copy-image.sh")
    environment = {
      CLOUDCRON_TOOL        = var.tool
      CLOUDCRON_SOURCE      = local.source_ref
      CLOUDCRON_DESTINATION = local.destination_ref
      CLOUDCRON_PLATFORM    = var.platform
      CLOUDCRON_ECR_LOGIN   = var.ecr_login ? "true" : "false"
    }
  }

  depends_on = [aws_ecr_lifecycle_policy.this]
}

# The digest ECR holds for the copied tag, read once the copy has run.
data "aws_ecr_image" "this" {
  count = var.sandbox ? 0 : 1

  repository_name = aws_ecr_repository.this.name
  image_tag       = var.source_tag

  depends_on = [terraform_data.copy]
}

locals {
  # In the sandbox nothing is copied (moto's ECR holds no images and moto
  # does not run the functions): a digest derived from what would have been.
  image_digest = var.sandbox ? "sha256:${sha256("${local.source_ref} ${var.platform}")}" : data.aws_ecr_image.this[0].image_digest
}
