# Offline checks of the build module with a mocked AWS provider.
# Planned only, with the mocked values known during plan: an apply would run
# the local-exec script, even for an overridden resource (the loopback
# registry test, tests/terraform/run_images.py, runs the scripts for real).
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-west-2:123456789012:repository/acme-report"
      repository_url = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-report"
    }
  }
}

variables {
  source_dir      = "tests/context-a"
  repository_name = "acme-report"
}

run "defaults" {
  command = plan

  assert {
    condition     = can(regex("^src-[0-9a-f]{16}$", output.image_tag)) && output.image_tag == "src-${substr(terraform_data.build[0].triggers_replace.context_hash, 0, 16)}"
    error_message = "the default tag is derived from the context's content hash"
  }

  assert {
    condition = (
      terraform_data.build[0].triggers_replace.tool == "docker" && terraform_data.build[0].triggers_replace.platform == "linux/amd64" &&
      terraform_data.build[0].triggers_replace.destination == "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-report:${output.image_tag}"
    )
    error_message = "docker buildx builds linux/amd64 into the module's repository by default"
  }

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "MUTABLE" && aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "the repository scans on push and has mutable tags (a fixed image_tag can be pushed again)"
  }

  assert {
    condition     = data.aws_ecr_image.this[0].image_tag == output.image_tag
    error_message = "the digest is read back for the pushed tag"
  }
}

run "same_content_same_hash" {
  command = plan

  assert {
    condition     = output.image_tag == run.defaults.image_tag
    error_message = "an unchanged context does not rebuild"
  }
}

run "changed_content_rebuilds" {
  command = plan

  variables {
    source_dir = "tests/context-b"
  }

  assert {
    condition     = output.image_tag != run.defaults.image_tag
    error_message = "a changed file in the context changes the hash, so the image is rebuilt under a new tag"
  }
}

run "buildah_with_args" {
  command = plan

  variables {
    tool        = "buildah"
    push_format = "oci"
    platform    = "linux/arm64"
    image_tag   = "1.4.0"
    build_args  = { VERSION = "1.4.0", CHANNEL = "stable" }
  }

  assert {
    condition = (
      terraform_data.build[0].triggers_replace.build_args == "CHANNEL=stable\nVERSION=1.4.0" &&
      terraform_data.build[0].triggers_replace.tool == "buildah" && terraform_data.build[0].triggers_replace.push_format == "oci" &&
      terraform_data.build[0].triggers_replace.platform == "linux/arm64" && output.image_tag == "1.4.0"
    )
    error_message = "tool, format, platform, tag and build arguments reach the build"
  }
}


run "sandbox" {
  command = plan

  variables {
    sandbox = true
  }

  assert {
    condition     = length(terraform_data.build) == 0 && length(data.aws_ecr_image.this) == 0
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
    tool = "kaniko"
  }

  expect_failures = [var.tool]
}

run "rejects_dockerfile_outside_context" {
  command = plan

  variables {
    dockerfile = "../Dockerfile"
  }

  expect_failures = [var.dockerfile]
}

run "rejects_multiline_build_arg" {
  command = plan

  variables {
    build_args = { A = "x\ny" }
  }

  expect_failures = [var.build_args]
}
