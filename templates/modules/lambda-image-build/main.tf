locals {
  # Content hash of the build context: any change to a file (or its name) rebuilds.
  context_files = sort(fileset(var.source_dir, "**"))
  context_hash  = sha1(join("\n", [for f in local.context_files : "${f} ${filesha1("${var.source_dir}/${f}")}"]))

  image_tag       = coalesce(var.image_tag, "src-${substr(local.context_hash, 0, 16)}")
  destination_ref = "${aws_ecr_repository.this.repository_url}:${local.image_tag}"
  build_args      = join("\n", [for k in sort(keys(var.build_args)) : "${k}=${var.build_args[k]}"])
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
# Build and push (local-exec with the chosen tool; values through the environment)
################################################################################

resource "terraform_data" "build" {
  count = var.sandbox ? 0 : 1

  triggers_replace = {
    context_hash = local.context_hash
    destination  = local.destination_ref
    dockerfile   = var.dockerfile
    platform     = var.platform
    build_args   = local.build_args
    tool         = var.tool
    push_format  = var.push_format
  }

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = file("${path.module}/scripts/build-image.sh")
    environment = {
      CLOUDCRON_TOOL        = var.tool
      CLOUDCRON_CONTEXT     = abspath(var.source_dir)
      CLOUDCRON_DOCKERFILE  = var.dockerfile
      CLOUDCRON_DESTINATION = local.destination_ref
      CLOUDCRON_PLATFORM    = var.platform
      CLOUDCRON_BUILD_ARGS  = local.build_args
      CLOUDCRON_PUSH_FORMAT = var.push_format
      CLOUDCRON_ECR_LOGIN   = var.ecr_login ? "true" : "false"
    }
  }

  depends_on = [aws_ecr_lifecycle_policy.this]
}

# The digest ECR holds for the pushed tag, read once the push has run.
data "aws_ecr_image" "this" {
  count = var.sandbox ? 0 : 1

  repository_name = aws_ecr_repository.this.name
  image_tag       = local.image_tag

  depends_on = [terraform_data.build]
}

locals {
  # In the sandbox nothing is built and pushed (moto's ECR holds no images and moto
  # does not run the functions): a digest derived from what would have been.
  image_digest = var.sandbox ? "sha256:${sha256("${local.context_hash} ${var.dockerfile} ${var.platform} ${local.build_args}")}" : data.aws_ecr_image.this[0].image_digest
}
