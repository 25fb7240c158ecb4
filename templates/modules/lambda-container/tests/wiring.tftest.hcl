# Offline checks of the republish module with a mocked AWS provider.
# Planned only, with the mocked values known during plan: an apply would run
# the local-exec script, even for an overridden resource (the loopback
# registry test, tests/terraform/run_images.py, runs the scripts for real).
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-west-2:123456789012:repository/acme-cron-runtime"
      repository_url = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-cron-runtime"
    }
  }
}

variables {
  source_image    = "123456789012.dkr.ecr.us-east-1.amazonaws.com/cloudcron-runtime"
  source_tag      = "v1.0.0"
  repository_name = "acme-cron-runtime"
}

run "defaults" {
  command = plan

  assert {
    condition = (
      aws_ecr_repository.this.image_tag_mutability == "MUTABLE" && aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push &&
      aws_ecr_repository.this.encryption_configuration[0].encryption_type == "AES256" && !aws_ecr_repository.this.force_delete
    )
    error_message = "the repository scans on push, has mutable tags (a copy under the same source tag can be pushed again), is encrypted and is not force-deleted by default"
  }

  assert {
    condition = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection == {
      tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10
    }
    error_message = "the lifecycle policy keeps the last 10 images"
  }

  assert {
    condition = terraform_data.copy[0].triggers_replace == {
      source      = "123456789012.dkr.ecr.us-east-1.amazonaws.com/cloudcron-runtime:v1.0.0"
      destination = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-cron-runtime:v1.0.0"
      tool        = "docker"
      platform    = "linux/amd64"
    }
    error_message = "the copy runs again when the source, destination, tool or platform change"
  }

  assert {
    condition     = data.aws_ecr_image.this[0].image_tag == "v1.0.0" && data.aws_ecr_image.this[0].repository_name == aws_ecr_repository.this.name
    error_message = "the digest is read back for the copied tag"
  }
}

run "by_digest_with_kms" {
  command = plan

  variables {
    source_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    tool          = "skopeo"
    kms_key_arn   = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    keep_images   = 3
  }

  assert {
    condition     = terraform_data.copy[0].triggers_replace.source == "123456789012.dkr.ecr.us-east-1.amazonaws.com/cloudcron-runtime@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    error_message = "a pinned source digest is what gets copied"
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS" && aws_ecr_repository.this.encryption_configuration[0].kms_key == var.kms_key_arn
    error_message = "the repository is encrypted with the given key"
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countNumber == 3
    error_message = "keep_images sets the lifecycle policy"
  }
}


run "sandbox" {
  command = plan

  variables {
    sandbox = true
  }

  assert {
    condition     = length(terraform_data.copy) == 0 && length(data.aws_ecr_image.this) == 0
    error_message = "in the sandbox nothing is pushed and no digest is read back"
  }

  assert {
    condition     = can(regex("^[^@]+@sha256:[0-9a-f]{64}$", output.image_uri)) && startswith(output.image_uri, "${aws_ecr_repository.this.repository_url}@")
    error_message = "in the sandbox image_uri is still the repository pinned by a (derived) digest, as the functions' validation requires"
  }
}
run "rejects_unknown_tool" {
  command = plan

  variables {
    tool = "podman"
  }

  expect_failures = [var.tool]
}

run "rejects_tag_in_source_image" {
  command = plan

  variables {
    source_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/cloudcron-runtime:latest"
  }

  expect_failures = [var.source_image]
}

run "rejects_bad_digest" {
  command = plan

  variables {
    source_digest = "sha256:abc"
  }

  expect_failures = [var.source_digest]
}
